package dev.restoreflow.activities.basebackup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What {@code backup.json} says of a backup. It is written last: a backup without it is
 * incomplete and never restored.
 *
 * @param objects the tarballs, named relative to the backup's directory
 * @param startLsn, stopLsn the WAL range the backup needs (pg_basebackup's start and end points)
 * @param startedAt, finishedAt epoch milliseconds; a PITR target must lie after finishedAt
 * @param fileIndex the object (in the backup's directory) with the tar stream's file index
 *     ({@link BackupFileIndex}); null for backups without one (no delta restore of them)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupMeta(
    String id,
    String instance,
    String compression,
    long startedAt,
    long finishedAt,
    String startLsn,
    String stopLsn,
    int timeline,
    String tool,
    List<BackupObject> objects,
    String fileIndex) {

  public BackupMeta(String id, String instance, String compression, long startedAt,
      long finishedAt, String startLsn, String stopLsn, int timeline, String tool,
      List<BackupObject> objects) {
    this(id, instance, compression, startedAt, finishedAt, startLsn, stopLsn, timeline, tool,
        objects, null);
  }

  public long storedBytes() {
    return objects.stream().mapToLong(BackupObject::size).sum();
  }

  /** What the restored data directory needs, about. */
  public long tarBytes() {
    return objects.stream().mapToLong(BackupObject::tarBytes).sum();
  }
}
