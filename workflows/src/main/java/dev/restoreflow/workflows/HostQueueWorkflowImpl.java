package dev.restoreflow.workflows;

import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;

/**
 * The queue of one host. It never fails on bad input or a transient error: its local activities
 * are retried without end (with backoff), malformed signals are logged and dropped, and a queue
 * started fresh (not continued as new) first asks the server which jobs of its host are open, so
 * that it never grants the host while a job it does not know about holds it.
 *
 * <p>A queue runs for ever, so a deploy always meets open queues: a change to the commands it
 * issues goes behind {@code Workflow.getVersion} (see {@link #RECOVER_ON_START}), and
 * RestoreWorkflowReplayTest replays queue histories recorded by every earlier version.
 */
public class HostQueueWorkflowImpl implements HostQueueWorkflow {

  /** How often the queue checks that the job holding the host is still alive. */
  static final Duration LEASE_CHECK = Duration.ofMinutes(1);
  static final int DEFAULT_HISTORY_LIMIT = 2000;
  private static final int REMEMBERED_RELEASES = 200;

  /** Version of the queue's start: a fresh queue recovers its open jobs before granting. */
  static final String RECOVER_ON_START = "host-queue-recovers-open-jobs";

  private static final Logger log = Workflow.getLogger(HostQueueWorkflowImpl.class);

  /**
   * Temporal or the ledger being down is no reason for the queue to end: retried until it
   * answers (a local activity retries only within a schedule-to-close time, so a long one).
   */
  static final LocalActivityOptions UNTIL_IT_ANSWERS = LocalActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setScheduleToCloseTimeout(Duration.ofDays(7))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(5))
          .setMaximumAttempts(0)
          .build())
      .build();

  private final ServerActivities server =
      Workflow.newLocalActivityStub(ServerActivities.class, UNTIL_IT_ANSWERS);

  private String host;
  private Integer historyLimit;
  private QueueEntry running;
  private final List<QueueEntry> waiting = new ArrayList<>();
  private final Deque<String> released = new ArrayDeque<>();

  @Override
  public void run(QueueState state) {
    if (state == null || state.host() == null || state.host().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("host queue started without a host",
          FailureType.INVALID_REQUEST.name());
    }
    host = state.host();
    historyLimit = state.historyLimit();
    running = state.running();
    waiting.addAll(state.waiting().stream().filter(HostQueueWorkflowImpl::isWellFormed).toList());
    boolean fresh = Workflow.getInfo().getContinuedExecutionRunId().isEmpty();
    if (fresh && Workflow.getVersion(RECOVER_ON_START, Workflow.DEFAULT_VERSION, 1) == 1) {
      recoverOpenJobs();
    }
    while (true) {
      if (running == null) {
        Workflow.await(() -> !waiting.isEmpty() || historyIsLong());
        if (waiting.isEmpty()) {
          continueAsNew();
        }
        QueueEntry next = waiting.remove(0);
        running = next;
        boolean granted = grant(next);
        if (running != next) {
          // released while the grant was on its way: the job does not want the host any more
          continue;
        }
        if (!granted) {
          running = null;
          continue;
        }
      }
      QueueEntry holder = running;
      boolean releasedInTime = Workflow.await(LEASE_CHECK, () -> running != holder);
      if (!releasedInTime && running == holder && !isOpen(holder)) {
        log.warn("job {} ended without giving back host {}; moving on", holder.jobId(), host);
        running = null;
        remember(holder.workflowId());
      }
      if (historyIsLong()) {
        continueAsNew();
      }
    }
  }

  /** Whether the holder still runs; when that cannot be told, it is assumed to (the safe side). */
  private boolean isOpen(QueueEntry holder) {
    try {
      return server.isWorkflowOpen(holder.workflowId());
    } catch (ActivityFailure e) {
      log.error("host queue {}: cannot tell whether job {} still runs; keeping it as the holder: {}",
          host, holder.jobId(), e.getCause() == null ? e : e.getCause().getMessage());
      return true;
    }
  }

  /**
   * A queue that starts fresh may replace one that was lost (terminated, or failed by a bug of
   * an older version): the jobs of this host that are still open tell it who holds the host and
   * who waits. A second holder (the lost queue's fault) is granted again first, so that no new
   * job starts before it has ended.
   */
  private void recoverOpenJobs() {
    QueueState open;
    try {
      open = server.openJobsOn(host);
    } catch (ActivityFailure e) {
      log.error("host queue {}: cannot learn which jobs of this host are open; going on with the"
          + " jobs that ask: {}", host, e.getCause() == null ? e : e.getCause().getMessage());
      return;
    }
    List<QueueEntry> found = new ArrayList<>();
    if (open.running() != null) {
      found.add(open.running());
    }
    found.addAll(open.waiting());
    for (QueueEntry entry : found) {
      if (isWellFormed(entry) && !isKnown(entry.workflowId())) {
        waiting.add(entry);
      }
    }
    waiting.sort(Comparator.comparingLong(QueueEntry::submittedAtMillis));
    if (open.running() != null && running == null) {
      waiting.removeIf(e -> e.workflowId().equals(open.running().workflowId()));
      running = open.running();
      log.warn("host queue {} started while job {} holds the host; it goes on holding it", host,
          running.jobId());
    }
    if (!found.isEmpty()) {
      log.info("host queue {} recovered {} open jobs: running {}, waiting {}", host, found.size(),
          running == null ? "-" : running.jobId(), waiting.stream().map(QueueEntry::jobId).toList());
    }
  }

  private boolean grant(QueueEntry entry) {
    try {
      Workflow.newExternalWorkflowStub(RestoreWorkflow.class, entry.workflowId()).grant();
      log.info("host {} granted to job {}", host, entry.jobId());
      return true;
    } catch (SignalExternalWorkflowException e) {
      log.warn("job {} is gone; skipping it", entry.jobId());
      remember(entry.workflowId());
      return false;
    }
  }

  private boolean historyIsLong() {
    int limit = historyLimit != null ? historyLimit : DEFAULT_HISTORY_LIMIT;
    return Workflow.getInfo().getHistoryLength() > limit
        || Workflow.getInfo().isContinueAsNewSuggested();
  }

  private void continueAsNew() {
    log.info("host queue {} continues as new with {} waiting", host, waiting.size());
    Workflow.continueAsNew(new QueueState(host, running, waiting, historyLimit));
  }

  @Override
  public void request(QueueEntry entry) {
    if (!isWellFormed(entry)) {
      log.warn("{}: dropped a malformed request: {}", Workflow.getInfo().getWorkflowId(), entry);
      return;
    }
    if (!isKnown(entry.workflowId())) {
      waiting.add(entry);
    }
  }

  private boolean isKnown(String workflowId) {
    return (running != null && running.workflowId().equals(workflowId))
        || waiting.stream().anyMatch(e -> e.workflowId().equals(workflowId))
        || released.contains(workflowId);
  }

  private static boolean isWellFormed(QueueEntry entry) {
    return entry != null && entry.workflowId() != null && !entry.workflowId().isBlank()
        && entry.jobId() != null && !entry.jobId().isBlank();
  }

  @Override
  public void release(String workflowId) {
    if (workflowId == null || workflowId.isBlank()) {
      log.warn("{}: dropped a release without a workflow id", Workflow.getInfo().getWorkflowId());
      return;
    }
    if (running != null && running.workflowId().equals(workflowId)) {
      running = null;
    }
    waiting.removeIf(e -> e.workflowId().equals(workflowId));
    remember(workflowId);
  }

  private void remember(String workflowId) {
    released.addLast(workflowId);
    while (released.size() > REMEMBERED_RELEASES) {
      released.removeFirst();
    }
  }

  @Override
  public QueueState queue() {
    return new QueueState(host, running, waiting, historyLimit);
  }
}
