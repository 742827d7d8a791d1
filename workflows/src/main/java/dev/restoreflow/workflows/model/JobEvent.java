package dev.restoreflow.workflows.model;

/**
 * A change in a job that the ledger records: the job's state, or one step's progress.
 *
 * @param step null for a job-level event
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
    long atMillis) {}
