package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.storage.StoredObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What this worker has already read of its repositories' backup.json files. A backup.json is
 * written once, last, and never changed, so its contents are kept by repository, key and size:
 * PlanRestore still lists the repository every time (a new backup is read, a deleted one is no
 * longer listed and so never offered), but reads only the backup.json files it has not seen. A
 * file whose size differs from the one read is read again; one that does not parse is never
 * kept, so it is refused every time. The newest {@value #CAPACITY} are kept.
 */
public final class BackupMetaCache {

  static final int CAPACITY = 4096;

  private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > CAPACITY;
    }
  };

  private record Entry(long size, BackupMeta meta) {}

  /** The contents read before of {@code object} in repository {@code where}, same size. */
  synchronized Optional<BackupMeta> get(String where, StoredObject object) {
    Entry entry = entries.get(key(where, object));
    return entry != null && entry.size() == object.size() ? Optional.of(entry.meta())
        : Optional.empty();
  }

  synchronized void put(String where, StoredObject object, BackupMeta meta) {
    entries.put(key(where, object), new Entry(object.size(), meta));
  }

  synchronized int size() {
    return entries.size();
  }

  private static String key(String where, StoredObject object) {
    return where + "\n" + object.key();
  }
}
