package dev.restoreflow.worker;

import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.Heartbeats.Heartbeat;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Follows a job's steps as they happen, with the running step's heartbeat: bytes, percent, rate
 * and ETA when the step knows its bytes, else its own words (files, %). How it is said is the
 * {@link FollowPrinter}'s (in place on a terminal, plain lines, JSON lines).
 */
final class JobFollower {

  private static final Duration LOOK_AGAIN = Duration.ofMillis(500);
  /** Among the printed step names: the job's wait for approval, said once. */
  private static final String AWAITING = " awaiting approval";

  private final RestoreflowClient restoreflow;
  private final FollowPrinter printer;

  /** Plain lines on {@code out} (no control characters). */
  JobFollower(RestoreflowClient restoreflow, PrintStream out) {
    this(restoreflow, new FollowPrinter.Plain(out));
  }

  JobFollower(RestoreflowClient restoreflow, FollowPrinter printer) {
    this.restoreflow = restoreflow;
    this.printer = printer;
  }

  /** Follows until the job ends; returns its last progress. */
  RestoreProgress follow(String jobId, Duration limit) throws InterruptedException {
    try {
      return followSteps(jobId, limit);
    } finally {
      printer.finish();
    }
  }

  private RestoreProgress followSteps(String jobId, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    Set<String> printed = new HashSet<>();
    String lastRunning = null;
    ByteRate rate = new ByteRate();
    Heartbeat lastBeat = null;
    String workflowId = restoreflow.workflowIdOf(jobId);
    CompletableFuture<Void> closed = restoreflow.whenClosed(workflowId);
    RestoreProgress progress = restoreflow.progress(jobId);
    while (System.nanoTime() < deadline) {
      progress = restoreflow.progress(jobId);
      for (StepProgress step : progress.steps()) {
        boolean ended = step.status() != StepStatus.PENDING && step.status() != StepStatus.RUNNING;
        if (ended && printed.add(step.name())) {
          printer.ended(jobId, step);
        }
      }
      String running = progress.currentStep();
      if (running != null && !running.equals(lastRunning) && !printed.contains(running)) {
        printer.started(jobId, running, System.nanoTime());
        lastRunning = running;
        rate = new ByteRate();
        lastBeat = null;
      }
      if (running != null && running.equals(lastRunning)) {
        Heartbeat beat = Heartbeats.latest(restoreflow, workflowId);
        if (beat != null) {
          StepBeat said = StepBeat.of(beat.details());
          if (said != null && !beat.equals(lastBeat)) {
            rate.add(beat.nanos(), said.counted());
          }
          lastBeat = beat;
          printer.progress(jobId, running, said, beat.details(), rate.perSecond(),
              said != null && said.hasBytes() ? rate.eta(said.bytesDone(), said.bytesTotal())
                  : null, System.nanoTime());
        }
      }
      if (progress.state() == JobState.AWAITING_APPROVAL && printed.add(AWAITING)) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("jobId", jobId);
        plan.put("plan", progress.plan());
        printer.note("awaiting-approval", PlanSummary.awaitingApproval(jobId, progress.plan()),
            plan);
      }
      if (progress.state().isFinal()) {
        return progress;
      }
      waitForNextLookOrEnd(closed);
    }
    return progress;
  }

  /**
   * Half a second, or less when the job ends meanwhile. A wait that ended without the job's end
   * (the long poll failed, or the look came just before the end) is a plain half second.
   */
  private static void waitForNextLookOrEnd(CompletableFuture<Void> closed)
      throws InterruptedException {
    if (closed.isDone()) {
      Thread.sleep(LOOK_AGAIN.toMillis());
      return;
    }
    try {
      closed.get(LOOK_AGAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException stillRunning) {
      // time for the next look
    } catch (ExecutionException cannotHappen) {
      // whenClosed completes normally however the job ends
    }
  }
}
