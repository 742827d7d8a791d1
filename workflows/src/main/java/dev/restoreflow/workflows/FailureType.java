package dev.restoreflow.workflows;

/**
 * Failure types carried by {@code ApplicationFailure}s. Permanent ones are never retried; a
 * retry cannot make a missing backup appear.
 */
public enum FailureType {
  INVALID_REQUEST(true),
  /** A backup id that is not of the form the instance's engine gives its backups. */
  BAD_BACKUP_ID(true),
  /** A recovery target that is not one valid time (with a zone), LSN, xid or restore point name. */
  BAD_RECOVERY_TARGET(true),
  /** The instance's engine cannot do what was asked (e.g. an incremental pgdump restore). */
  NOT_SUPPORTED(true),
  UNKNOWN_INSTANCE(true),
  UNKNOWN_HOST(true),
  /** The host exists but the instance may not be restored onto it (instances.N.restoreHosts). */
  HOST_NOT_ALLOWED(true),
  BACKUP_NOT_FOUND(true),
  BACKUP_NOT_VALID(true),
  NO_VALID_BACKUP(true),
  INSUFFICIENT_DISK(true),
  TOOL_MISSING(true),
  WIPE_REFUSED(true),
  RESTORE_REFUSED(true),
  CONFIG_ERROR(true),
  SSH_AUTH_FAILED(true),
  SSH_HOST_KEY_UNKNOWN(true),
  SSH_HOST_KEY_CHANGED(true),
  OBJECT_CORRUPT(true),
  /** A restore of the data directory began and did not finish: PostgreSQL is not started on it. */
  RESTORE_INCOMPLETE(true),
  /**
   * No space left on a file system a step was writing to (ENOSPC or a quota): a retry would fill
   * it again. What was written so far stays, so a restore's data directory is partial.
   */
  DISK_FULL(true),
  /** PostgreSQL refused to start (a bad setting, damaged data): its log says why. */
  CLUSTER_START_FAILED(true),
  /** The cluster's WAL does not reach the backup tool's archive (archive_command is broken). */
  WAL_ARCHIVING_BROKEN(true),
  /** The backup tool was stopped on purpose for the instance (pgbackrest stop): start it first. */
  TOOL_STOPPED(true),
  /**
   * A notification webhook refused a notice (HTTP 4xx other than 408/429): its URL, token or
   * format is wrong, and sending the same notice again would be refused again.
   */
  WEBHOOK_REJECTED(true),
  /** The database host cannot be reached (SSH connect or a dropped connection): retried for long. */
  HOST_UNREACHABLE(false),
  COMMAND_FAILED(false),
  /**
   * The step's heartbeats did not reach Temporal within its heartbeat timeout (the server was
   * down): this attempt is over, its work goes on and the next attempt takes it over.
   */
  TEMPORAL_UNREACHABLE(false),
  COMMAND_TIMEOUT(false),
  STORAGE_FAILED(false),
  CLUSTER_NOT_READY(false),
  VERIFY_FAILED(false),
  /** A notification webhook did not take a notice (down, 5xx, 408, 429, timeout): retried. */
  WEBHOOK_UNAVAILABLE(false);

  private final boolean permanent;

  FailureType(boolean permanent) {
    this.permanent = permanent;
  }

  public boolean isPermanent() {
    return permanent;
  }

  public static String[] permanentNames() {
    return java.util.Arrays.stream(values())
        .filter(FailureType::isPermanent)
        .map(Enum::name)
        .toArray(String[]::new);
  }
}
