package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.StoredObject;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog's view of a basebackup repository: complete backups (with backup.json), backup
 * directories a dead attempt left without one, and how far the WAL archive reaches.
 */
final class BaseBackupListing {

  private BaseBackupListing() {}

  static InstanceCatalog of(String instance, ObjectStore store) throws IOException {
    Map<String, BackupMeta> complete = new LinkedHashMap<>();
    for (BackupMeta meta : new BaseBackupCatalog(store, instance).backups()) {
      complete.put(meta.id(), meta);
    }
    Map<String, Long> incomplete = new LinkedHashMap<>();
    String prefix = BaseBackupLayout.backupsPrefix(instance);
    for (StoredObject object : store.list(prefix)) {
      String rest = object.key().substring(prefix.length());
      int slash = rest.indexOf('/');
      String id = slash < 0 ? rest : rest.substring(0, slash);
      if (BaseBackupLayout.isValidId(id) && !complete.containsKey(id)) {
        incomplete.merge(id, object.size(), Long::sum);
      }
    }
    List<CatalogBackup> backups = new ArrayList<>();
    for (BackupMeta b : complete.values()) {
      backups.add(new CatalogBackup(instance, BaseBackupEngine.NAME, b.id(), BaseBackupEngine.FULL,
          CatalogBackup.OK, Instant.ofEpochMilli(b.startedAt()).toString(),
          Instant.ofEpochMilli(b.finishedAt()).toString(), b.tarBytes(), b.storedBytes(), null,
          List.of(b.id()), b.startLsn(), b.stopLsn()));
    }
    incomplete.forEach((id, bytes) -> backups.add(new CatalogBackup(instance,
        BaseBackupEngine.NAME, id, BaseBackupEngine.FULL, CatalogBackup.ERROR, null, null, 0,
        bytes, null, List.of(id), null, null)));
    backups.sort(java.util.Comparator.comparing(CatalogBackup::id));
    String walTo = null;
    for (StoredObject wal : store.list(BaseBackupLayout.walPrefix(instance))) {
      String name = wal.key().substring(wal.key().lastIndexOf('/') + 1);
      if (name.length() == 24 && BaseBackupLayout.WAL_FILE.matcher(name).matches()
          && (walTo == null || name.compareTo(walTo) > 0)) {
        walTo = name;
      }
    }
    List<BackupMeta> valid = List.copyOf(complete.values());
    String from = valid.isEmpty() ? null : Instant.ofEpochMilli(valid.get(0).finishedAt()).toString();
    String to = valid.isEmpty() ? null
        : Instant.ofEpochMilli(valid.get(valid.size() - 1).finishedAt()).toString();
    String note = valid.isEmpty() ? "no complete backup: nothing can be restored"
        : walTo == null ? "no archived WAL: a restore reaches the end of a backup"
            : "a restore reaches the end of any backup, and any point up to the end of WAL file "
                + walTo + " archived by wal-push";
    return new InstanceCatalog(instance, BaseBackupEngine.NAME, backups, from, to, walTo, note);
  }
}
