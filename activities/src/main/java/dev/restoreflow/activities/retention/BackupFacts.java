package dev.restoreflow.activities.retention;

import java.time.Instant;
import java.util.Objects;

/**
 * One backup as retention and the full/incremental decision see it.
 *
 * @param id the backup's id, unique within the list handed over
 * @param endTime when the backup ended; its day (in the caller's time zone) gives its category
 * @param full a full backup (restorable alone) rather than an incremental
 * @param parentId the backup an incremental was built on; null for a full. An incremental
 *     without one cannot be restored (retention reports it as broken)
 * @param good the backup completed and was validated
 */
public record BackupFacts(String id, Instant endTime, boolean full, String parentId, boolean good) {

  public BackupFacts {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("a backup needs an id");
    }
    Objects.requireNonNull(endTime, () -> "backup " + id + " has no end time");
    if (full && parentId != null) {
      throw new IllegalArgumentException(
          "backup " + id + " is a full backup but names parent " + parentId
              + "; only incrementals have a parent");
    }
  }

  public static BackupFacts full(String id, Instant endTime) {
    return new BackupFacts(id, endTime, true, null, true);
  }

  public static BackupFacts incremental(String id, Instant endTime, String parentId) {
    return new BackupFacts(id, endTime, false, parentId, true);
  }

  /** The same backup, marked failed (not complete or not valid). */
  public BackupFacts failed() {
    return new BackupFacts(id, endTime, full, parentId, false);
  }
}
