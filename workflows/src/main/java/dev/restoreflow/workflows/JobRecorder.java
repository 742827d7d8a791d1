package dev.restoreflow.workflows;

import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobOutcome;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.StepProgress;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import org.slf4j.Logger;

/**
 * Keeps the ledger current with a job's state and steps. A ledger that cannot be written is
 * logged, never the job's end. Workflow-side.
 */
final class JobRecorder {

  /** What the ledger files a job under; the instance and host are known once it is resolved. */
  record Subject(String instance, String host, String via, RestoreRequest restore,
      BackupRequest backup) {}

  private static final Logger log = Workflow.getLogger(JobRecorder.class);

  private final ServerActivities server;
  private final String kind;
  private final String jobId;
  /** A step's end not written yet (see {@link #hold}). */
  private StepProgress held;

  /** Whether each write carries a summary for the Web UI (from READABLE_HISTORY on). */
  private final boolean summaries;

  JobRecorder(ServerActivities server, String kind, String jobId) {
    this(server, kind, jobId, false);
  }

  JobRecorder(ServerActivities server, String kind, String jobId, boolean summaries) {
    this.server = server;
    this.kind = kind;
    this.jobId = jobId;
    this.summaries = summaries;
  }

  void record(Subject subject, JobState state, StepProgress step, String error) {
    record(subject, state, step, error, null);
  }

  /**
   * With what the ledger keeps beyond the state (null = nothing new). A step's end held by
   * {@link #hold} goes with this write when it carries no step, else just before it.
   */
  void record(Subject subject, JobState state, StepProgress step, String error,
      JobOutcome outcome) {
    StepProgress ended = held;
    held = null;
    if (ended != null && step != null) {
      write(subject, state, ended, null, null, null);
    }
    write(subject, state, step != null ? step : ended, error, outcome, null);
  }

  /**
   * A step has ended (from {@link RestoreWorkflowImpl#READABLE_HISTORY} on): its end, with its
   * start time, is written by the job's next ledger write — the next step's start ({@link #flush})
   * or the job's next state — so a job makes one ledger write per step instead of two.
   */
  void hold(Subject subject, JobState state, StepProgress step) {
    if (held != null && !held.name().equals(step.name())) {
      flush(subject, state, null);
    }
    held = step;
  }

  /**
   * Writes a held step's end, if any, as the step named {@code starting} starts: the same write
   * makes it the ledger's current step, so `restoreflow jobs` names the running step.
   */
  void flush(Subject subject, JobState state, String starting) {
    if (held != null) {
      StepProgress ended = held;
      held = null;
      write(subject, state, ended, null, null, starting);
    }
  }

  private void write(Subject subject, JobState state, StepProgress step, String error,
      JobOutcome outcome, String starting) {
    WorkflowInfo info = Workflow.getInfo();
    ServerActivities ledger = !summaries ? server : Summaries.local(ServerActivities.class,
        RestoreWorkflowImpl.SERVER_SIDE, "ledger: " + kind + " " + state
            + (step == null ? "" : ", " + step.name() + " " + step.status())
            + (starting == null ? "" : ", " + starting + " starts"));
    try {
      ledger.recordJobEvent(new JobEvent(jobId, info.getWorkflowId(), info.getRunId(), kind,
          subject.instance(), subject.host(), subject.via(), subject.restore(), state, step, error,
          Workflow.currentTimeMillis(), subject.backup(), outcome, starting));
    } catch (ActivityFailure e) {
      log.warn("job {}: ledger write failed: {}", jobId, JobFailures.rootMessage(e));
    }
  }
}
