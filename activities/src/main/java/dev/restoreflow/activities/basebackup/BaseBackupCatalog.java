package dev.restoreflow.activities.basebackup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.StoredObject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The complete backups of an instance (those with a backup.json), oldest first. */
public final class BaseBackupCatalog {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectStore store;
  private final String instance;

  public BaseBackupCatalog(ObjectStore store, String instance) {
    this.store = store;
    this.instance = instance;
  }

  public List<BackupMeta> backups() throws IOException {
    List<BackupMeta> backups = new ArrayList<>();
    for (StoredObject object : store.list(BaseBackupLayout.backupsPrefix(instance))) {
      if (object.key().endsWith("/" + BaseBackupLayout.META)) {
        backups.add(read(object));
      }
    }
    backups.sort(Comparator.comparing(BackupMeta::id));
    return backups;
  }

  public Optional<BackupMeta> backup(String id) throws IOException {
    String key = BaseBackupLayout.meta(instance, id);
    Optional<StoredObject> object = store.stat(key);
    return object.isEmpty() ? Optional.empty() : Optional.of(read(object.get()));
  }

  private BackupMeta read(StoredObject object) throws IOException {
    return JSON.readValue(store.readRange(object.key(), 0, object.size()), BackupMeta.class);
  }

  /**
   * The backup to restore: the given one, else the newest that ended before the target time or
   * LSN, else the newest.
   *
   * @throws NoSuchBackupException naming what is missing
   */
  public static BackupMeta choose(List<BackupMeta> backups, String id, Instant beforeTime,
      Long beforeLsn) {
    if (id != null) {
      return backups.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow(() ->
          new NoSuchBackupException("backup " + id + " is not in the repository (or has no"
              + " backup.json: incomplete)"));
    }
    for (int i = backups.size() - 1; i >= 0; i--) {
      BackupMeta b = backups.get(i);
      boolean timeOk = beforeTime == null || b.finishedAt() < beforeTime.toEpochMilli();
      boolean lsnOk = beforeLsn == null || WalNames.parse(b.stopLsn()) <= beforeLsn;
      if (timeOk && lsnOk) {
        return b;
      }
    }
    throw new NoSuchBackupException(backups.isEmpty() ? "the repository has no complete backup"
        : "no backup ended before the recovery target; the oldest ended at "
            + Instant.ofEpochMilli(backups.get(0).finishedAt()));
  }
}
