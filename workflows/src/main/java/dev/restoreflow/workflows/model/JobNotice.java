package dev.restoreflow.workflows.model;

/**
 * A notification about a job, sent to the configured webhooks. Holds no secret: the webhooks'
 * URLs and tokens are read from the environment by the worker that sends it.
 *
 * @param id unique per notice (the receiver's idempotency key): {@code <jobId>:<event>[:<n>]}
 * @param kind restore, backup, retention
 * @param event SUCCEEDED, FAILED, CANCELLED, REJECTED, PLANNED (a dry run), AWAITING_APPROVAL,
 *     STALLED
 * @param message the job's message or error, in words
 * @param step the step the notice is about (the running one for STALLED), or null
 */
public record JobNotice(
    String id,
    String jobId,
    String kind,
    String instance,
    String host,
    String event,
    String backupId,
    String step,
    String message,
    long atMillis) {

  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";
  public static final String CANCELLED = "CANCELLED";
  public static final String REJECTED = "REJECTED";
  public static final String AWAITING_APPROVAL = "AWAITING_APPROVAL";
  public static final String STALLED = "STALLED";
}
