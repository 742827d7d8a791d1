package dev.restoreflow.activities.pgdump;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.engine.BackupNames;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An instance's dumps in its object store: those of the default place and of every directory.
 * A backup exists once its {@code meta.json} does; objects of a backup without one, and objects
 * beside a meta.json that it does not name, were left by an attempt that died, and are cleared
 * before the next backup starts (the host's queue runs one job of an instance at a time).
 */
final class DumpRepository implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectStore store;
  private final String instance;

  DumpRepository(ObjectStore store, String instance) {
    this.store = store;
    this.instance = instance;
  }

  @Override
  public void close() {
    store.close();
  }

  ObjectStore store() {
    return store;
  }

  String instance() {
    return instance;
  }

  /** Where a backup's objects are: its directory (null = the default place) and id. */
  record Place(String dir, String id) {

    String prefix(String instance) {
      return PgDumpLayout.dir(instance, dir, id);
    }
  }

  /**
   * Every finished backup, oldest first (by end time, then id). Backup contents are untrusted:
   * a meta.json that cannot be read, that names another id, instance or directory, or an id in
   * two places makes the listing fail with a clear error.
   */
  List<DumpMeta> backups() throws IOException {
    List<DumpMeta> metas = new ArrayList<>();
    Map<String, Place> seen = new LinkedHashMap<>();
    for (Place place : places().keySet()) {
      Optional<DumpMeta> meta = read(place);
      if (meta.isEmpty()) {
        continue;
      }
      Place other = seen.putIfAbsent(place.id(), place);
      if (other != null) {
        throw new IOException("backup id " + place.id() + " is in two places of "
            + store.describe() + ": " + other.prefix(instance) + " and " + place.prefix(instance)
            + " (copied by hand?); remove one");
      }
      metas.add(meta.get());
    }
    metas.sort(Comparator.comparing((DumpMeta m) -> Instant.parse(m.endTime()))
        .thenComparing(DumpMeta::id));
    return metas;
  }

  /** The finished backup of that id, wherever it is. */
  Optional<DumpMeta> backup(String id) throws IOException {
    Optional<DumpMeta> inDefault = read(new Place(null, id));
    if (inDefault.isPresent()) {
      return inDefault;
    }
    for (Place place : places().keySet()) {
      if (place.dir() != null && place.id().equals(id)) {
        Optional<DumpMeta> meta = read(place);
        if (meta.isPresent()) {
          return meta;
        }
      }
    }
    return Optional.empty();
  }

  private Optional<DumpMeta> read(Place place) throws IOException {
    String key = PgDumpLayout.meta(instance, place.dir(), place.id());
    Optional<StoredObject> object = store.stat(key);
    if (object.isEmpty()) {
      return Optional.empty();
    }
    if (object.get().size() > 64L << 20) {
      throw new IOException(store.describe() + "/" + key + " is " + object.get().size()
          + " bytes: not a restoreflow meta.json");
    }
    DumpMeta meta;
    try {
      meta = JSON.readValue(store.readRange(key, 0, object.get().size()), DumpMeta.class);
    } catch (IOException e) {
      throw new IOException(store.describe() + "/" + key + " is not a readable meta.json: "
          + e.getMessage(), e);
    }
    if (!place.id().equals(meta.id()) || !instance.equals(meta.instance())
        || !Objects.equals(place.dir(), meta.dir()) || meta.tables() == null
        || meta.sha256() == null || (!meta.isFull() && meta.parentId() == null)
        || !validDumpFile(meta) || !validTimes(meta) || !validParts(meta)) {
      throw new IOException(store.describe() + "/" + key + " does not describe backup "
          + place.id() + " of " + instance + " (moved or edited by hand?)");
    }
    if (meta.parentId() != null) {
      PgDumpLayout.checkId(meta.parentId());
    }
    return Optional.of(meta);
  }

  /**
   * An every-database backup's parts are dumps of that same backup, each of a database with a
   * name restoreflow dumps (meta.json is untrusted: a name it gives goes into SQL), once.
   */
  private static boolean validParts(DumpMeta meta) {
    if (meta.databases() == null) {
      return meta.globals() == null;
    }
    try {
      PgDumpLayout.checkGlobalsFile(meta.globals() == null ? null : meta.globals().file());
    } catch (IllegalArgumentException e) {
      return false;
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    for (DumpMeta part : meta.databases()) {
      boolean valid = part != null && meta.id().equals(part.id())
          && meta.instance().equals(part.instance()) && Objects.equals(meta.dir(), part.dir())
          && part.database() != null && PgDumpSettings.DATABASE.matcher(part.database()).matches()
          && names.add(part.database()) && part.dumpFile() != null && validDumpFile(part)
          && part.sha256() != null && part.tables() != null && part.dumpedTables() != null
          && part.databases() == null && part.globals() == null
          && (part.isFull() || Objects.equals(part.parentId(), meta.parentId()));
      if (!valid) {
        return false;
      }
    }
    return meta.globals().sha256() != null;
  }

  private static boolean validTimes(DumpMeta meta) {
    try {
      Instant.parse(meta.startTime());
      Instant.parse(meta.endTime());
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean validDumpFile(DumpMeta meta) {
    try {
      return meta.dumpFile() == null || PgDumpLayout.checkDumpFile(meta.dumpFile()) != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  void write(DumpMeta meta) throws IOException {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta);
    store.write(PgDumpLayout.meta(instance, meta.dir(), meta.id()),
        new ByteArrayInputStream(bytes));
  }

  /**
   * Removes what attempts that died left: objects of backups without a meta.json, and objects
   * beside a meta.json that it does not name (a replacement cut short).
   */
  int clearUnfinished() throws IOException {
    int removed = store.discardUnfinished(PgDumpLayout.prefix(instance))
        + store.discardUnfinished(PgDumpLayout.dirsPrefix(instance));
    for (Map.Entry<Place, List<StoredObject>> entry : places().entrySet()) {
      Place place = entry.getKey();
      Optional<DumpMeta> meta = read(place);
      String metaKey = PgDumpLayout.meta(instance, place.dir(), place.id());
      for (StoredObject object : entry.getValue()) {
        boolean kept = meta.isPresent() && (object.key().equals(metaKey)
            || meta.get().objectKeys().contains(object.key()));
        if (!kept) {
          store.delete(object.key());
          removed++;
        }
      }
    }
    return removed;
  }

  /** Deletes a backup: its meta.json first, so that it is never listed half deleted. */
  void delete(String id) throws IOException {
    DumpMeta meta = backup(id).orElse(null);
    Place place = new Place(meta == null ? null : meta.dir(), id);
    store.delete(PgDumpLayout.meta(instance, place.dir(), id));
    for (StoredObject object : store.list(place.prefix(instance))) {
      store.delete(object.key());
    }
  }

  /** Deletes one object of a backup's directory (the dump a replacement made obsolete). */
  void deleteObject(String key) throws IOException {
    store.delete(key);
  }

  /**
   * Every place that has objects, with them; keys that are not of the layout are ignored. Under
   * the default place a backup is {@code ID/FILE}; under the directories {@code DIR/ID/FILE}.
   */
  private Map<Place, List<StoredObject>> places() throws IOException {
    Map<Place, List<StoredObject>> places = new LinkedHashMap<>();
    String prefix = PgDumpLayout.prefix(instance);
    for (StoredObject object : store.list(prefix)) {
      String[] parts = object.key().substring(prefix.length()).split("/", -1);
      if (parts.length == 2 && PgDumpLayout.isId(parts[0])) {
        places.computeIfAbsent(new Place(null, parts[0]), p -> new ArrayList<>()).add(object);
      }
    }
    String dirs = PgDumpLayout.dirsPrefix(instance);
    for (StoredObject object : store.list(dirs)) {
      String[] parts = object.key().substring(dirs.length()).split("/", -1);
      if (parts.length == 3 && BackupNames.isName(parts[0]) && PgDumpLayout.isId(parts[1])) {
        places.computeIfAbsent(new Place(parts[0], parts[1]), p -> new ArrayList<>())
            .add(object);
      }
    }
    return places;
  }

  /** The chain a restore of {@code meta} reads: its full first, {@code meta} last. */
  List<DumpMeta> chain(DumpMeta meta) throws IOException {
    List<DumpMeta> chain = new ArrayList<>();
    DumpMeta at = meta;
    while (true) {
      chain.add(0, at);
      if (at.isFull()) {
        return chain;
      }
      String parent = at.parentId();
      if (chain.stream().anyMatch(m -> m.id().equals(parent))) {
        throw new IOException("backup " + meta.id() + "'s chain loops back to " + parent);
      }
      at = backup(parent).orElseThrow(() -> new IOException("backup " + meta.id()
          + " builds on " + parent + ", which is not in " + store.describe()));
    }
  }
}
