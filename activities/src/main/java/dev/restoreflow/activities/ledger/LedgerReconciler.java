package dev.restoreflow.activities.ledger;

import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the ledger the real end of jobs that could not record it themselves: a job terminated in
 * the Temporal UI, timed out, or gone from Temporal (its retention ended, or an embedded server
 * was restarted) would otherwise stay RUNNING in the ledger forever. The server runs it at start
 * and then periodically.
 */
public final class LedgerReconciler implements AutoCloseable {

  public static final String TERMINATED = "TERMINATED";
  public static final String TIMED_OUT = "TIMED_OUT";
  public static final String LOST = "LOST";
  public static final Duration EVERY = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(LedgerReconciler.class);

  private final JobLedger ledger;
  private final WorkflowClient client;
  private final Clock clock;
  private ScheduledExecutorService timer;

  public LedgerReconciler(JobLedger ledger, WorkflowClient client, Clock clock) {
    this.ledger = ledger;
    this.client = client;
    this.clock = clock;
  }

  /** Reconciles now (in the background) and then every {@code every}, until closed. */
  public static LedgerReconciler start(JobLedger ledger, WorkflowClient client, Duration every) {
    LedgerReconciler reconciler = new LedgerReconciler(ledger, client, Clock.systemUTC());
    reconciler.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "ledger-reconciler");
      thread.setDaemon(true);
      return thread;
    });
    reconciler.timer.scheduleWithFixedDelay(reconciler::reconcileLogged, 0, every.toMillis(),
        TimeUnit.MILLISECONDS);
    return reconciler;
  }

  private void reconcileLogged() {
    try {
      int ended = reconcile();
      if (ended > 0) {
        log.info("ledger: recorded the end of {} jobs that ended without recording it", ended);
      }
    } catch (RuntimeException e) {
      log.warn("ledger: could not compare open jobs with Temporal (tried again in {}): {}", EVERY,
          e.getMessage());
    }
  }

  /**
   * Compares every job the ledger has not seen end with its workflow.
   *
   * @return how many rows got their end
   */
  public int reconcile() {
    int ended = 0;
    for (JobRow job : ledger.openJobs()) {
      End end = endOf(job);
      if (end != null && ledger.endOpenJob(job.jobId(), end.status(), end.error(), clock.millis())) {
        log.info("ledger: job {} ended {} ({})", job.jobId(), end.status(), end.error());
        ended++;
      }
    }
    return ended;
  }

  private record End(String status, String error) {}

  /** The job's end according to Temporal, or null while it runs. */
  private End endOf(JobRow job) {
    String during = job.currentStep() == null ? "" : " during " + job.currentStep();
    WorkflowStub stub = client.newUntypedWorkflowStub(job.workflowId());
    WorkflowExecutionStatus status;
    try {
      status = stub.describe().getStatus();
    } catch (WorkflowNotFoundException e) {
      return new End(LOST, "not in Temporal any more (its retention ended, or the server lost it,"
          + " e.g. an embedded server was restarted); how it ended is unknown; last known state "
          + job.status() + during);
    }
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> new End(TERMINATED, "terminated in Temporal"
          + during + terminationReason(job.workflowId())
          + "; restoreflow did not clean up: check the cluster and the data directory");
      case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> new End(TIMED_OUT, "the workflow timed out"
          + during + "; check the cluster and the data directory");
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> new End(JobState.CANCELLED.name(), "cancelled" + during);
      case WORKFLOW_EXECUTION_STATUS_FAILED -> new End(JobState.FAILED.name(), "failed" + during
          + failureOf(stub));
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> new End(completedState(stub), null);
      default -> null;   // running (or a status this version does not know)
    };
  }

  /** SUCCEEDED, or PLANNED for a dry run: what the job's result says. */
  private static String completedState(WorkflowStub stub) {
    try {
      RestoreResult result = stub.getResult(1, TimeUnit.SECONDS, RestoreResult.class);
      return result != null && result.state() != null ? result.state().name() : JobState.SUCCEEDED.name();
    } catch (Exception e) {
      return JobState.SUCCEEDED.name();
    }
  }

  private String terminationReason(String workflowId) {
    try {
      List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
      HistoryEvent last = events.get(events.size() - 1);
      if (last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED) {
        var attributes = last.getWorkflowExecutionTerminatedEventAttributes();
        String reason = attributes.getReason().isBlank() ? "" : ": " + attributes.getReason();
        String by = attributes.getIdentity().isBlank() ? "" : " by " + attributes.getIdentity();
        return by + reason;
      }
    } catch (RuntimeException e) {
      log.debug("ledger: no termination reason for {}: {}", workflowId, e.getMessage());
    }
    return "";
  }

  private static String failureOf(WorkflowStub stub) {
    try {
      stub.getResult(1, TimeUnit.SECONDS, Object.class);
    } catch (WorkflowException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return ": " + root.getMessage();
    } catch (Exception e) {
      return "";
    }
    return "";
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
