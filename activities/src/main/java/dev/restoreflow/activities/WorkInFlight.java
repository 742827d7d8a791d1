package dev.restoreflow.activities;

import dev.restoreflow.workflows.FailureType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A host step's long work (a restore tool's run) that can outlive the attempt that started it.
 *
 * <p>When Temporal loses the attempt — its heartbeats did not reach the server within the
 * heartbeat timeout, because the server was down for a while — the work goes on, and the step's
 * next attempt on this worker takes it over (the same process, its progress so far) instead of
 * killing it and starting again. Work that nobody takes over is stopped: when Temporal, reachable
 * again, no longer expects the step (its job ended, was terminated or cancelled), and before any
 * other step starts on the same task queue. One per worker process.
 */
public final class WorkInFlight {

  /**
   * What a step runs.
   *
   * @param progress the heartbeat details, read while the work runs
   * @param beforeStart runs on the activity's thread before the work starts (not when an attempt
   *     takes the work over), e.g. to clear what a dead worker's attempt left behind
   * @param body the work itself, on a thread of its own; it ends early once its argument says so
   * @param outlivesAttempt false when the work cannot go on without its attempt (a command over
   *     an SSH session that the step closes when it ends): a lost attempt stops it
   */
  public record Work<T>(Supplier<Object> progress, Runnable beforeStart,
      Function<BooleanSupplier, T> body, boolean outlivesAttempt) {}

  private static final Logger log = LoggerFactory.getLogger(WorkInFlight.class);
  /** How often the waiting activity looks at its heartbeats. */
  private static final long POLL_MILLIS = 200;
  /** How often work nobody owns asks Temporal whether its step is still expected. */
  static final Duration ORPHAN_CHECK = Duration.ofSeconds(5);
  /** How long a stopped piece of work may take to end (a command gets SIGTERM, SIGKILL after 5 s). */
  private static final Duration STOP_WAIT = Duration.ofMinutes(1);

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService bodies = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "work-in-flight-" + threads.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  });
  private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "work-in-flight-checks");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * Runs {@code work} for the current activity, heartbeating its progress — or takes over the
   * same step's work that an earlier attempt left running — and returns what it returns.
   *
   * @throws io.temporal.failure.ApplicationFailure TEMPORAL_UNREACHABLE when Temporal lost this
   *     attempt (the work goes on for the next attempt)
   * @throws io.temporal.client.ActivityCompletionException when the step was cancelled (the
   *     work was stopped and has ended)
   */
  @SuppressWarnings("unchecked")
  public <T> T run(Work<T> work) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    ActivityInfo info = context.getInfo();
    endOthers(info);
    Entry running = entries.get(keyOf(info));
    if (running != null) {
      running.owned = true;
      log.info("attempt {} of {} takes over the work an earlier attempt left running while"
          + " Temporal could not be reached", info.getAttempt(), info.getActivityType());
    }
    Supplier<Object> progress = running != null ? running.work.progress() : work.progress();
    try (Heartbeats beats = Heartbeats.start(progress)) {
      Entry entry = running;
      if (entry == null) {
        work.beforeStart().run();
        beats.rethrowIfStopped();
        entry = new Entry(keyOf(info), info.getActivityTaskQueue(), work);
        entries.put(entry.key, entry);
        entry.start(bodies);
      }
      return (T) await(entry, beats, context, info);
    }
  }

  private Object await(Entry entry, Heartbeats beats, ActivityExecutionContext context,
      ActivityInfo info) {
    while (true) {
      try {
        Object result = entry.result.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
        entries.remove(entry.key, entry);
        return result;
      } catch (TimeoutException stillRunning) {
        if (beats.lost() && entry.work.outlivesAttempt()) {
          orphan(entry, context, info);
          throw Failures.of(FailureType.TEMPORAL_UNREACHABLE, info.getActivityType()
              + " attempt " + info.getAttempt() + " lost touch with Temporal (no heartbeat got"
              + " through within " + info.getHeartbeatTimeout().toSeconds() + " s); its work"
              + " goes on and the next attempt on this worker takes it over");
        }
        if (beats.stopped()) {
          stopAndRemove(entry);
          beats.rethrowIfStopped();
        }
      } catch (ExecutionException e) {
        entries.remove(entry.key, entry);
        throw e.getCause() instanceof RuntimeException r ? r
            : new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopAndRemove(entry);
        throw new IllegalStateException("interrupted while waiting for " + entry.key, e);
      }
    }
  }

  /** Nobody owns the work now: it goes on, and is stopped once Temporal no longer expects it. */
  private void orphan(Entry entry, ActivityExecutionContext context, ActivityInfo info) {
    WorkflowServiceStubs service = context.getWorkflowClient().getWorkflowServiceStubs();
    entry.owned = false;
    log.warn("{} attempt {}: Temporal could not be reached within the heartbeat timeout; the"
        + " work goes on for the next attempt to take over", info.getActivityType(),
        info.getAttempt());
    checks.schedule(() -> checkOrphan(entry, service, info), ORPHAN_CHECK.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void checkOrphan(Entry entry, WorkflowServiceStubs service, ActivityInfo info) {
    if (entry.owned || entries.get(entry.key) != entry) {
      return;
    }
    Optional<Boolean> expected = stepExpected(service, info);
    if (expected.isPresent() && !expected.get()) {
      log.warn("{}: Temporal no longer expects the step whose attempt was lost; its work is"
          + " stopped", info.getActivityType());
      entry.stop = true;
      entry.result.whenComplete((result, failure) -> entries.remove(entry.key, entry));
      return;
    }
    checks.schedule(() -> checkOrphan(entry, service, info), ORPHAN_CHECK.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Whether the step is still pending in its workflow; empty while Temporal does not answer. */
  static Optional<Boolean> stepExpected(WorkflowServiceStubs service, ActivityInfo info) {
    try {
      DescribeWorkflowExecutionResponse described = service.blockingStub()
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(info.getWorkflowNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(info.getWorkflowId())
                  .setRunId(info.getRunId()))
              .build());
      if (described.getWorkflowExecutionInfo().getStatus()
          != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return Optional.of(false);
      }
      return Optional.of(described.getPendingActivitiesList().stream().anyMatch(a ->
          a.getActivityId().equals(info.getActivityId())
              && a.getState() != PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED));
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.NOT_FOUND ? Optional.of(false)
          : Optional.empty();
    }
  }

  /** Another step starts on this task queue: work left running by a lost attempt must end first. */
  void endOthers(ActivityInfo current) {
    String key = keyOf(current);
    for (Entry other : entries.values()) {
      if (!other.key.equals(key) && !other.owned
          && other.taskQueue.equals(current.getActivityTaskQueue())) {
        log.warn("{} starts: stopping the work of {} that a lost attempt left running",
            current.getActivityType(), other.key);
        stopAndRemove(other);
      }
    }
  }

  /** Stops work left running by lost attempts before the current activity's step goes on. */
  public void endOthersOfCurrentActivity() {
    ActivityInfo info;
    try {
      info = Activity.getExecutionContext().getInfo();
    } catch (IllegalStateException notInAnActivity) {
      return;
    }
    endOthers(info);
  }

  private void stopAndRemove(Entry entry) {
    entry.stop = true;
    try {
      entry.result.get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException ended) {
      // it ended with a failure, or is left to end by itself: either way it was told to stop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    entries.remove(entry.key, entry);
  }

  private static String keyOf(ActivityInfo info) {
    return info.getWorkflowId() + "/" + info.getRunId() + "/" + info.getActivityId();
  }

  /** One step's work: its result once it ends, and whether an attempt owns it now. */
  private static final class Entry {
    final String key;
    final String taskQueue;
    final Work<?> work;
    final CompletableFuture<Object> result = new CompletableFuture<>();
    volatile boolean owned = true;
    volatile boolean stop;

    Entry(String key, String taskQueue, Work<?> work) {
      this.key = key;
      this.taskQueue = taskQueue;
      this.work = work;
    }

    void start(ExecutorService threads) {
      Map<String, String> logContext = MDC.getCopyOfContextMap();
      threads.execute(() -> {
        if (logContext != null) {
          MDC.setContextMap(logContext);
        }
        try {
          result.complete(work.body().apply(() -> stop));
        } catch (Throwable t) {
          result.completeExceptionally(t);
        } finally {
          MDC.clear();
        }
      });
    }
  }
}
