package dev.restoreflow.activities.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.storage.FileObjectStore;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's cache of backup.json contents, on a real file:// repository whose reads are
 * counted: every listing still lists, so a new backup is seen and a deleted one is not offered;
 * only backup.json files not read before are read; a corrupt one is refused every time.
 */
class BaseBackupCatalogCacheTest {

  private static final String INSTANCE = "main1";

  @TempDir
  Path root;
  private CountingStore store;
  private final BackupMetaCache cache = new BackupMetaCache();

  @BeforeEach
  void twoBackups() throws IOException {
    store = new CountingStore(new FileObjectStore(root));
    putBackup("20261123T091500Z", 5);
    putBackup("20261124T091500Z", 7);
  }

  private List<String> ids() throws IOException {
    return new BaseBackupCatalog(store, INSTANCE, cache).backups().stream()
        .map(BackupMeta::id).toList();
  }

  @Test
  void aSecondListingReadsNoBackupJsonAgainButStillLists() throws IOException {
    assertEquals(List.of("20261123T091500Z", "20261124T091500Z"), ids());
    assertEquals(2, store.reads.size(), "the first listing reads both backup.json files");
    assertEquals(1, store.lists);
    BaseBackupCatalog.Listing again = new BaseBackupCatalog(store, INSTANCE, cache).listing();
    assertEquals(2, again.backups().size());
    assertEquals(2, store.reads.size(), "nothing read again: " + store.reads);
    assertEquals(2, store.lists, "the repository is listed every time");
    assertEquals(Optional.of(7L),
        again.size(BaseBackupLayout.backupDir(INSTANCE, "20261124T091500Z") + "base.tar.gz"),
        "the listing has every object's size: no stat needed");
  }

  @Test
  void aNewBackupIsSeenAndOnlyItsBackupJsonIsRead() throws IOException {
    ids();
    putBackup("20261125T091500Z", 9);
    assertEquals(List.of("20261123T091500Z", "20261124T091500Z", "20261125T091500Z"), ids());
    assertEquals(List.of(BaseBackupLayout.meta(INSTANCE, "20261125T091500Z")),
        store.reads.subList(2, store.reads.size()));
  }

  @Test
  void aDeletedBackupIsNoLongerOffered() throws IOException {
    ids();
    Files.delete(root.resolve(BaseBackupLayout.meta(INSTANCE, "20261124T091500Z")));
    assertEquals(List.of("20261123T091500Z"), ids());
    BackupMeta newest = BaseBackupCatalog.choose(
        new BaseBackupCatalog(store, INSTANCE, cache).backups(), null, null, null);
    assertEquals("20261123T091500Z", newest.id(), "the newest offered is the one still there");
    assertThrows(NoSuchBackupException.class, () -> BaseBackupCatalog.choose(
        new BaseBackupCatalog(store, INSTANCE, cache).backups(), "20261124T091500Z", null, null));
  }

  @Test
  void aCorruptBackupJsonIsRefusedEveryTimeAndNeverKept() throws IOException {
    Path meta = root.resolve(BaseBackupLayout.meta(INSTANCE, "20261124T091500Z"));
    Files.writeString(meta, "{\"id\": \"20261124T0915");
    for (int i = 0; i < 2; i++) {
      assertThrows(IOException.class, () -> new BaseBackupCatalog(store, INSTANCE, cache)
          .backups());
    }
    assertEquals(1, cache.size(), "only the good backup.json is kept");
  }

  @Test
  void aBackupJsonOfAnotherSizeIsReadAgain() throws IOException {
    ids();
    Path meta = root.resolve(BaseBackupLayout.meta(INSTANCE, "20261124T091500Z"));
    BackupMeta old = new ObjectMapper().readValue(meta.toFile(), BackupMeta.class);
    new ObjectMapper().writeValue(meta.toFile(), new BackupMeta(old.id(), old.instance(),
        "lz4", old.startedAt(), old.finishedAt(), old.startLsn(), old.stopLsn(),
        old.timeline(), old.tool(), old.objects()));
    BackupMeta reread = new BaseBackupCatalog(store, INSTANCE, cache).backups().get(1);
    assertEquals("lz4", reread.compression(), "gzip -> lz4: the file is shorter");
  }

  @Test
  void withoutACacheEveryListingReadsEveryBackupJson() throws IOException {
    new BaseBackupCatalog(store, INSTANCE).backups();
    new BaseBackupCatalog(store, INSTANCE).backups();
    assertEquals(4, store.reads.size());
  }

  private void putBackup(String id, int bytes) throws IOException {
    Path dir = Files.createDirectories(root.resolve(BaseBackupLayout.backupDir(INSTANCE, id)));
    Files.write(dir.resolve("base.tar.gz"), new byte[bytes]);
    new ObjectMapper().writeValue(root.resolve(BaseBackupLayout.meta(INSTANCE, id)).toFile(),
        new BackupMeta(id, INSTANCE, "gzip", 1, 2, "0/2000028", "0/2000100", 1, "restoreflow",
            List.of(new BackupObject("base.tar.gz", bytes, bytes * 10L, List.of()))));
  }

  /** The real store, with its lists and reads counted. */
  static final class CountingStore implements ObjectStore {
    private final ObjectStore store;
    final List<String> reads = new ArrayList<>();
    final List<String> stats = new ArrayList<>();
    int lists;

    CountingStore(ObjectStore store) {
      this.store = store;
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
      lists++;
      return store.list(prefix);
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
      stats.add(key);
      return store.stat(key);
    }

    @Override
    public InputStream read(String key, long from, long to) throws IOException {
      reads.add(key);
      return store.read(key, from, to);
    }

    @Override
    public long write(String key, InputStream data) throws IOException {
      return store.write(key, data);
    }

    @Override
    public void delete(String key) throws IOException {
      store.delete(key);
    }

    @Override
    public int discardUnfinished(String prefix) throws IOException {
      return store.discardUnfinished(prefix);
    }

    @Override
    public String describe() {
      return store.describe();
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
