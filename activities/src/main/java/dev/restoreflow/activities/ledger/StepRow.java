package dev.restoreflow.activities.ledger;

/** One step of a job in the ledger. */
public record StepRow(String jobId, String step, String status, long startedAt, long endedAt,
    String detail) {}
