package dev.restoreflow.activities.ledger;

/**
 * A job as the ledger keeps it. Times are epoch milliseconds; 0 = not yet. The outcome's fields
 * ({@link dev.restoreflow.workflows.model.JobOutcome}) are null until a job event carried them
 * (and for jobs recorded before the ledger kept them).
 *
 * @param engine the instance's engine
 * @param backupId the backup a restore restored
 * @param dataBytes the restore plan's data size
 * @param restoreMillis the measured restore time (the RTO)
 * @param drill whether the restore was a drill
 * @param approval who approved or rejected the job, and why
 */
public record JobRow(
    String jobId,
    String workflowId,
    String runId,
    String kind,
    String instance,
    String host,
    String requestedVia,
    String clientAddress,
    String requestJson,
    String status,
    String currentStep,
    String error,
    long createdAt,
    long updatedAt,
    long finishedAt,
    String engine,
    String backupId,
    Long dataBytes,
    Long restoreMillis,
    Boolean drill,
    String approval) {

  /** A job without an outcome. */
  public JobRow(String jobId, String workflowId, String runId, String kind, String instance,
      String host, String requestedVia, String clientAddress, String requestJson, String status,
      String currentStep, String error, long createdAt, long updatedAt, long finishedAt) {
    this(jobId, workflowId, runId, kind, instance, host, requestedVia, clientAddress, requestJson,
        status, currentStep, error, createdAt, updatedAt, finishedAt, null, null, null, null, null,
        null);
  }
}
