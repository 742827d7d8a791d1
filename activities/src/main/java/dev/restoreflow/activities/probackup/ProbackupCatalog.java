package dev.restoreflow.activities.probackup;

import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The catalog's view of a pg_probackup instance: its backups and the window they cover. */
final class ProbackupCatalog {

  /** pg_probackup prints times as "2026-11-23 09:15:00+00". */
  private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS][XXX][XX][X]").toFormatter();

  private ProbackupCatalog() {}

  /** @param backups newest first, as {@code show} lists them */
  static InstanceCatalog of(HostStep step, List<BackupInfo> backups) {
    Map<String, BackupInfo> byId = new HashMap<>();
    backups.forEach(b -> byId.put(b.id(), b));
    List<CatalogBackup> listed = new ArrayList<>();
    for (int i = backups.size() - 1; i >= 0; i--) {
      BackupInfo b = backups.get(i);
      listed.add(new CatalogBackup(step.instanceName(), ProbackupEngine.NAME, b.id(),
          b.backupMode(), status(b.status()), iso(b.startTime()), iso(b.endTime()),
          b.pgdataBytes() > 0 ? b.pgdataBytes() : b.dataBytes(), b.dataBytes() + b.walBytes(),
          b.parentBackupId(), chain(b, byId), b.startLsn(), b.stopLsn()));
    }
    String from = null;
    String to = null;
    for (BackupInfo b : backups) {
      if (b.isRestorable() && wholeChain(b, byId)) {
        from = iso(b.recoveryTime());
        to = to == null ? iso(b.recoveryTime()) : to;
      }
    }
    return new InstanceCatalog(step.instanceName(), ProbackupEngine.NAME, listed, from, to, null,
        to == null ? "no valid backup: nothing can be restored"
            : "STREAM backups: a restore reaches the recovery time of a valid backup; points"
                + " between backups need WAL archived into the catalog");
  }

  /** pg_probackup's statuses on the catalog's four. */
  static String status(String status) {
    return switch (status) {
      case "OK", "DONE" -> CatalogBackup.OK;
      case "RUNNING", "MERGING", "MERGED", "DELETING" -> CatalogBackup.RUNNING;
      case "CORRUPT" -> CatalogBackup.CORRUPT;
      default -> CatalogBackup.ERROR;
    };
  }

  private static List<String> chain(BackupInfo backup, Map<String, BackupInfo> byId) {
    List<String> chain = new ArrayList<>();
    BackupInfo current = backup;
    while (current != null && !chain.contains(current.id())) {
      chain.add(0, current.id());
      current = current.parentBackupId() == null ? null : byId.get(current.parentBackupId());
    }
    return chain;
  }

  private static boolean wholeChain(BackupInfo backup, Map<String, BackupInfo> byId) {
    BackupInfo current = backup;
    while (current.parentBackupId() != null) {
      current = byId.get(current.parentBackupId());
      if (current == null || !current.isRestorable()) {
        return false;
      }
    }
    return true;
  }

  /** An ISO-8601 instant of pg_probackup's time, or the text itself when it is not one. */
  static String iso(String time) {
    if (time == null || time.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(time.trim(), TIME).toInstant().toString();
    } catch (DateTimeParseException e) {
      return time;
    }
  }
}
