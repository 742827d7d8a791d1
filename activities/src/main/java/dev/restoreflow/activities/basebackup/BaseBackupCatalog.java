package dev.restoreflow.activities.basebackup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.StoredObject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The complete backups of an instance (those with a backup.json), oldest first. */
public final class BaseBackupCatalog {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectStore store;
  private final String instance;
  private final BackupMetaCache cache;

  /** A catalog that reads every backup.json it lists. */
  public BaseBackupCatalog(ObjectStore store, String instance) {
    this(store, instance, null);
  }

  /** @param cache the backup.json files this worker has read before; null: read them all */
  public BaseBackupCatalog(ObjectStore store, String instance, BackupMetaCache cache) {
    this.store = store;
    this.instance = instance;
    this.cache = cache;
  }

  public List<BackupMeta> backups() throws IOException {
    return listing().backups();
  }

  /**
   * One listing of the instance's backups: the complete backups, oldest first, and the size of
   * every object listed under them (which is what a stat of each would say, without asking).
   */
  public Listing listing() throws IOException {
    List<BackupMeta> backups = new ArrayList<>();
    Map<String, Long> sizes = new HashMap<>();
    for (StoredObject object : store.list(BaseBackupLayout.backupsPrefix(instance))) {
      sizes.put(object.key(), object.size());
      if (object.key().endsWith("/" + BaseBackupLayout.META)) {
        backups.add(readListed(object));
      }
    }
    backups.sort(Comparator.comparing(BackupMeta::id));
    return new Listing(List.copyOf(backups), Map.copyOf(sizes));
  }

  /**
   * @param backups the complete backups, oldest first
   * @param sizes every object listed under the instance's backups: key to size
   */
  public record Listing(List<BackupMeta> backups, Map<String, Long> sizes) {

    /** The listed size of {@code key}; empty when the listing did not have it. */
    public Optional<Long> size(String key) {
      return Optional.ofNullable(sizes.get(key));
    }
  }

  private BackupMeta readListed(StoredObject object) throws IOException {
    if (cache == null) {
      return read(object);
    }
    Optional<BackupMeta> known = cache.get(store.describe(), object);
    if (known.isPresent()) {
      return known.get();
    }
    BackupMeta meta = read(object);
    cache.put(store.describe(), object, meta);
    return meta;
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
