package dev.restoreflow.activities.ledger;

/**
 * A step of a job with what its job row says (kind, instance), for figures over every job.
 * Times are epoch milliseconds; 0 = not yet.
 *
 * @param detail the step's detail, or null when it was not asked for
 */
public record JobStepRow(String jobId, String kind, String instance, String step, String status,
    long startedAt, long endedAt, String detail) {}
