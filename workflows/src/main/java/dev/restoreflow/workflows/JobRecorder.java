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

  JobRecorder(ServerActivities server, String kind, String jobId) {
    this.server = server;
    this.kind = kind;
    this.jobId = jobId;
  }

  void record(Subject subject, JobState state, StepProgress step, String error) {
    record(subject, state, step, error, null);
  }

  /** With what the ledger keeps beyond the state (null = nothing new). */
  void record(Subject subject, JobState state, StepProgress step, String error,
      JobOutcome outcome) {
    WorkflowInfo info = Workflow.getInfo();
    try {
      server.recordJobEvent(new JobEvent(jobId, info.getWorkflowId(), info.getRunId(), kind,
          subject.instance(), subject.host(), subject.via(), subject.restore(), state, step, error,
          Workflow.currentTimeMillis(), subject.backup(), outcome));
    } catch (ActivityFailure e) {
      log.warn("job {}: ledger write failed: {}", jobId, JobFailures.rootMessage(e));
    }
  }
}
