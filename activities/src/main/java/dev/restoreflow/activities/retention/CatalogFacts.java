package dev.restoreflow.activities.retention;

import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** An engine's catalog as retention and the automatic decision see it. */
public final class CatalogFacts {

  private CatalogFacts() {}

  /**
   * The backups of the instance's default place: one kept apart in a directory
   * ({@code backup --dir}) is outside retention and the automatic decision (its chain stays in
   * its directory, so nothing here depends on it).
   */
  public static List<BackupFacts> of(InstanceCatalog catalog) {
    return catalog.backups().stream().filter(b -> !isApart(b)).map(CatalogFacts::of).toList();
  }

  /** A backup kept apart in a directory of the repository. */
  public static boolean isApart(CatalogBackup backup) {
    return backup.dir() != null;
  }

  /**
   * A full has no parent; only a whole, valid backup (status OK) is good. A backup still running
   * has no end time yet: it counts as of its start, and is not good.
   */
  public static BackupFacts of(CatalogBackup backup) {
    Instant end = backup.endTime() != null ? instant(backup.endTime())
        : backup.startTime() != null ? instant(backup.startTime()) : Instant.EPOCH;
    BackupFacts facts = backup.parentId() == null ? BackupFacts.full(backup.id(), end)
        : BackupFacts.incremental(backup.id(), end, backup.parentId());
    return CatalogBackup.OK.equals(backup.status()) ? facts : facts.failed();
  }

  /** ISO-8601 with Z or an offset (the engines' catalogs write both). */
  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notZulu) {
      return OffsetDateTime.parse(text).toInstant();
    }
  }
}
