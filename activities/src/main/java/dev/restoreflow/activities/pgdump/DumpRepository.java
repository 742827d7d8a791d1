package dev.restoreflow.activities.pgdump;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An instance's dumps in its object store. A backup exists once its {@code meta.json} does;
 * objects of a backup without one were left by an attempt that died, and are cleared before the
 * next backup starts (the host's queue runs one job of an instance at a time).
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

  /**
   * Every finished backup, oldest first. Backup contents are untrusted: a meta.json that cannot
   * be read, or that names another id or instance, makes the listing fail with a clear error.
   */
  List<DumpMeta> backups() throws IOException {
    List<DumpMeta> metas = new ArrayList<>();
    for (String id : ids()) {
      Optional<DumpMeta> meta = backup(id);
      meta.ifPresent(metas::add);
    }
    metas.sort(Comparator.comparing(DumpMeta::id));
    return metas;
  }

  Optional<DumpMeta> backup(String id) throws IOException {
    String key = PgDumpLayout.meta(instance, id);
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
    if (!id.equals(meta.id()) || !instance.equals(meta.instance()) || meta.tables() == null
        || meta.sha256() == null || (!meta.isFull() && meta.parentId() == null)) {
      throw new IOException(store.describe() + "/" + key + " does not describe backup " + id
          + " of " + instance + " (moved or edited by hand?)");
    }
    if (meta.parentId() != null) {
      PgDumpLayout.checkId(meta.parentId());
    }
    return Optional.of(meta);
  }

  void write(DumpMeta meta) throws IOException {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta);
    store.write(PgDumpLayout.meta(instance, meta.id()), new ByteArrayInputStream(bytes));
  }

  /** Removes what attempts that died left: objects of backups without a meta.json. */
  int clearUnfinished() throws IOException {
    int removed = store.discardUnfinished(PgDumpLayout.prefix(instance));
    for (String id : ids()) {
      if (store.stat(PgDumpLayout.meta(instance, id)).isEmpty()) {
        for (StoredObject object : store.list(PgDumpLayout.dir(instance, id))) {
          store.delete(object.key());
          removed++;
        }
      }
    }
    return removed;
  }

  /** Deletes a backup: its meta.json first, so that it is never listed half deleted. */
  void delete(String id) throws IOException {
    store.delete(PgDumpLayout.meta(instance, id));
    for (StoredObject object : store.list(PgDumpLayout.dir(instance, id))) {
      store.delete(object.key());
    }
  }

  /** The ids that have objects; keys that are not of the layout are ignored. */
  private Set<String> ids() throws IOException {
    Set<String> ids = new LinkedHashSet<>();
    String prefix = PgDumpLayout.prefix(instance);
    for (StoredObject object : store.list(prefix)) {
      String rest = object.key().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash > 0 && PgDumpLayout.BACKUP_ID.matcher(rest.substring(0, slash)).matches()) {
        ids.add(rest.substring(0, slash));
      }
    }
    return ids;
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
