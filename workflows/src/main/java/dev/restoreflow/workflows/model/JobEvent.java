package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A change in a job that the ledger records: the job's state, or one step's progress.
 *
 * @param kind restore or backup
 * @param request what a restore job was asked to do (null for other kinds)
 * @param step null for a job-level event
 * @param backupRequest what a backup job was asked to do (null for other kinds)
 * @param outcome what the ledger keeps beyond the state (RTO figures, drill, approver); null when
 *     the event adds none
 * @param runningStep the step that starts as this event is written (the ledger's current step),
 *     when the event itself is another step's end; null otherwise
 */
public record JobEvent(
    String jobId,
    String workflowId,
    String runId,
    String kind,
    String instance,
    String host,
    String requestedVia,
    RestoreRequest request,
    JobState state,
    StepProgress step,
    String error,
    long atMillis,
    BackupRequest backupRequest,
    @JsonInclude(JsonInclude.Include.NON_NULL) JobOutcome outcome,
    @JsonInclude(JsonInclude.Include.NON_NULL) String runningStep) {

  /** An event that starts no step. */
  public JobEvent(String jobId, String workflowId, String runId, String kind, String instance,
      String host, String requestedVia, RestoreRequest request, JobState state, StepProgress step,
      String error, long atMillis, BackupRequest backupRequest, JobOutcome outcome) {
    this(jobId, workflowId, runId, kind, instance, host, requestedVia, request, state, step, error,
        atMillis, backupRequest, outcome, null);
  }

  /** An event that adds nothing to the job's outcome. */
  public JobEvent(String jobId, String workflowId, String runId, String kind, String instance,
      String host, String requestedVia, RestoreRequest request, JobState state, StepProgress step,
      String error, long atMillis, BackupRequest backupRequest) {
    this(jobId, workflowId, runId, kind, instance, host, requestedVia, request, state, step, error,
        atMillis, backupRequest, null);
  }

  /** An event of a restore job. */
  public JobEvent(String jobId, String workflowId, String runId, String kind, String instance,
      String host, String requestedVia, RestoreRequest request, JobState state, StepProgress step,
      String error, long atMillis) {
    this(jobId, workflowId, runId, kind, instance, host, requestedVia, request, state, step, error,
        atMillis, null);
  }
}
