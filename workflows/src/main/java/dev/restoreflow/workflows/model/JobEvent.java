package dev.restoreflow.workflows.model;

/**
 * A change in a job that the ledger records: the job's state, or one step's progress.
 *
 * @param kind restore or backup
 * @param request what a restore job was asked to do (null for other kinds)
 * @param step null for a job-level event
 * @param backupRequest what a backup job was asked to do (null for other kinds)
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
    BackupRequest backupRequest) {

  /** An event of a restore job. */
  public JobEvent(String jobId, String workflowId, String runId, String kind, String instance,
      String host, String requestedVia, RestoreRequest request, JobState state, StepProgress step,
      String error, long atMillis) {
    this(jobId, workflowId, runId, kind, instance, host, requestedVia, request, state, step, error,
        atMillis, null);
  }
}
