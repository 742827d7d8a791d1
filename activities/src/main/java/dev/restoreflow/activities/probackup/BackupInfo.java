package dev.restoreflow.activities.probackup;

/**
 * One backup as {@code pg_probackup show --format=json} lists it (the fields restoreflow uses).
 *
 * @param parentBackupId null for a FULL backup
 * @param pgdataBytes size of the restored data directory; 0 when the tool did not say
 * @param endTime null while the backup runs
 * @param walBytes the WAL stored with a STREAM backup
 */
public record BackupInfo(
    String id,
    String parentBackupId,
    String backupMode,
    String status,
    String startTime,
    String recoveryTime,
    long dataBytes,
    long pgdataBytes,
    String endTime,
    String startLsn,
    String stopLsn,
    long walBytes) {

  /** Statuses pg_probackup restores from. */
  public boolean isRestorable() {
    return "OK".equals(status) || "DONE".equals(status);
  }
}
