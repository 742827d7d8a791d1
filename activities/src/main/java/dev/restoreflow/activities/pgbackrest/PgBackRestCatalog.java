package dev.restoreflow.activities.pgbackrest;

import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The catalog's view of a stanza: its backups, oldest first, and the window they cover. */
final class PgBackRestCatalog {

  private PgBackRestCatalog() {}

  static InstanceCatalog of(String instance, StanzaInfo stanza) {
    List<CatalogBackup> listed = new ArrayList<>();
    String from = null;
    String to = null;
    for (BackupSet b : stanza.backups()) {
      Optional<List<BackupSet>> chain = stanza.chain(b);
      boolean valid = !b.error() && chain.isPresent()
          && chain.get().stream().noneMatch(BackupSet::error);
      listed.add(new CatalogBackup(instance, PgBackRestEngine.NAME, b.label(), b.type(),
          valid ? CatalogBackup.OK : CatalogBackup.ERROR, iso(b.startTime()), iso(b.stopTime()),
          b.size(), b.repoDelta(), b.prior(),
          chain.map(c -> c.stream().map(BackupSet::label).toList()).orElse(List.of(b.label())),
          b.lsnStart(), b.lsnStop()));
      if (valid) {
        from = from == null ? iso(b.stopTime()) : from;
        to = iso(b.stopTime());
      }
    }
    String note;
    if (to == null) {
      note = "stanza " + stanza.stanza() + ": no valid backup, nothing can be restored"
          + " (pgBackRest: " + stanza.statusMessage() + ")";
    } else {
      note = "stanza " + stanza.stanza() + ": a restore reaches the end of any valid backup;"
          + " with WAL archived into the stanza (up to walArchivedTo) a time, LSN, xid or name"
          + " target between and after backups too"
          + (stanza.backupRunning() ? "; a backup is running now" : "");
    }
    return new InstanceCatalog(instance, PgBackRestEngine.NAME, List.copyOf(listed), from, to,
        stanza.archiveMax(), note);
  }

  private static String iso(long epochSeconds) {
    return epochSeconds <= 0 ? null : Instant.ofEpochSecond(epochSeconds).toString();
  }
}
