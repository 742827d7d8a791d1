package dev.restoreflow.activities.ledger;

/** A job as the ledger keeps it. Times are epoch milliseconds; 0 = not yet. */
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
    long finishedAt) {}
