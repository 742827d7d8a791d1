package dev.restoreflow.workflows.model;

/**
 * A job waiting for (or holding) its host's turn.
 *
 * @param kind restore, backup or retention; null in entries recorded before backups were jobs (restores)
 */
public record QueueEntry(String workflowId, String jobId, String instance, long submittedAtMillis,
    String kind) {

  public static final String RESTORE = "restore";
  public static final String BACKUP = "backup";
  public static final String RETENTION = "retention";

  /** restore for entries that do not say. */
  public String kindOrRestore() {
    return kind == null ? RESTORE : kind;
  }
}
