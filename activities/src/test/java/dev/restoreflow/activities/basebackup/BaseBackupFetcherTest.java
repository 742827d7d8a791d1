package dev.restoreflow.activities.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.archive.ConfinedDirectory;
import dev.restoreflow.activities.archive.CorruptObjectException;
import dev.restoreflow.activities.archive.TestTar;
import dev.restoreflow.activities.archive.UnsafePathException;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.storage.FileObjectStore;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FetchS3's work on a file:// repository: the tarball, then the WAL prefetch, whose file names
 * come from the bucket's listing and so are not trusted.
 */
class BaseBackupFetcherTest {

  @TempDir
  Path dir;
  private TestRepository repository;
  private Path pgdata;
  private List<String> outsideBefore;

  @BeforeEach
  void repositoryAndDataDirectory() throws IOException {
    repository = new TestRepository(Files.createDirectories(dir.resolve("repo")));
    pgdata = Files.createDirectories(dir.resolve("data/pgdata"));
    repository.putWal("000000010000000000000001", "before the backup");
    repository.putWal("000000010000000000000002", "the backup's start segment");
    repository.putWal("00000002.history", "1\t0/3000000\tno recovery target specified\n");
    repository.putWal("000000010000000000000002.00000028.backup", "backup history");
    // a bucket holds keys with a "/" below wal/; the file store has them as subdirectories
    repository.putWal("sub/00000003.history", "a history file in a subdirectory");
    outsideBefore = outside();
  }

  @Test
  void onlyWalSegmentAndHistoryNamesFromTheListingAreWrittenIntoPgWal() throws IOException {
    BackupMeta meta = repository.putBackup(new TestTar()
        .file("PG_VERSION", "15\n").directory("pg_wal/").bytes());
    // keys only a bucket could hold: the listing is the bucket's word, not ours
    ObjectStore store = new ListingWithExtraKeys(new FileObjectStore(repository.root()), Map.of(
        "main1/wal/../../evil.history", "written above pg_wal",
        "main1/wal/../00000004.history", "written beside pg_wal"));
    IOException failure = null;
    BaseBackupFetcher.Fetched fetched = null;
    try {
      fetched = fetch(store, meta);
    } catch (IOException e) {
      failure = e;
    }
    assertEquals(outsideBefore, outside(), "nothing written outside " + pgdata);
    assertNull(failure, "names that are not WAL file names are skipped, not followed");
    assertEquals(2, fetched.walFiles());
    try (Stream<Path> files = Files.list(pgdata.resolve("pg_wal"))) {
      assertEquals(List.of("000000010000000000000002", "00000002.history"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    try (Stream<Path> files = Files.list(pgdata)) {
      assertEquals(List.of("PG_VERSION", "pg_wal"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    assertEquals("the backup's start segment",
        Files.readString(pgdata.resolve("pg_wal/000000010000000000000002")));
  }

  @Test
  void pgControlIsHeldBackUnderAPartialNameUntilPublishedLast() throws IOException {
    // the tarball has pg_control first: it still reaches its name only at the very end
    BackupMeta meta = repository.putBackup(new TestTar()
        .directory("global/").file("global/pg_control", "control data")
        .file("PG_VERSION", "15\n").directory("pg_wal/").bytes());
    BaseBackupFetcher.Fetched fetched = fetch(new FileObjectStore(repository.root()), meta);

    assertFalse(Files.exists(pgdata.resolve("global/pg_control")),
        "a data directory whose fetch has not finished has no pg_control");
    assertEquals("control data", Files.readString(pgdata.resolve(PgControlLast.HELD)));
    assertTrue(fetched.checksums().containsKey("global/pg_control"),
        "checked against the manifest under its own name: " + fetched.checksums().keySet());

    PgControlLast.publish(ConfinedDirectory.ownedLikeRoot(pgdata));
    assertEquals("control data", Files.readString(pgdata.resolve("global/pg_control")));
    assertFalse(Files.exists(pgdata.resolve(PgControlLast.HELD)));
    PgControlLast.publish(ConfinedDirectory.ownedLikeRoot(pgdata));   // a retry: already done
    assertEquals("control data", Files.readString(pgdata.resolve("global/pg_control")));
  }

  @Test
  void aBackupWithoutPgControlIsCorruptWhenItIsPublished() throws IOException {
    BackupMeta meta = repository.putBackup(new TestTar()
        .file("PG_VERSION", "15\n").directory("global/").directory("pg_wal/").bytes());
    fetch(new FileObjectStore(repository.root()), meta);
    CorruptObjectException missing = assertThrows(CorruptObjectException.class,
        () -> PgControlLast.publish(ConfinedDirectory.ownedLikeRoot(pgdata)));
    assertEquals("the backup has no global/pg_control: it is not a whole PostgreSQL base backup",
        missing.getMessage());
  }

  @Test
  void aPgWalThatTheBackupMadeALinkIsRefused() throws IOException {
    BackupMeta meta = repository.putBackup(new TestTar()
        .file("PG_VERSION", "15\n").directory("elsewhere/").symlink("pg_wal", "elsewhere")
        .bytes());
    IOException failure = null;
    try {
      fetch(new FileObjectStore(repository.root()), meta);
    } catch (IOException e) {
      failure = e;
    }
    UnsafePathException refused = assertInstanceOf(UnsafePathException.class, failure);
    assertTrue(refused.getMessage().startsWith("prefetching WAL into pg_wal: 'pg_wal' in "
        + pgdata + " is a symbolic link (to elsewhere)"), refused.getMessage());
    try (Stream<Path> files = Files.list(pgdata.resolve("elsewhere"))) {
      assertEquals(0, files.count(), "no WAL written through the link");
    }
    assertEquals(outsideBefore, outside());
  }

  private BaseBackupFetcher.Fetched fetch(ObjectStore store, BackupMeta meta) throws IOException {
    BaseBackupConfig config = new BaseBackupConfig("file://" + repository.root(), null, null,
        null, null, null, "none", 2, 16, Map.of());
    return new BaseBackupFetcher(store, config, pgdata).fetch(TestRepository.INSTANCE, meta,
        FetchCheckpoint.start(), null, new AtomicLong(), checkpoint -> { });
  }

  /** Every path under the test's directory, outside pgdata and the repository. */
  private List<String> outside() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> !p.startsWith(pgdata) && !p.startsWith(repository.root()))
          .map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  /** A file store whose listing also has keys a bucket could hold, served from memory. */
  private record ListingWithExtraKeys(ObjectStore files, Map<String, String> extra)
      implements ObjectStore {

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
      List<StoredObject> all = new ArrayList<>(files.list(prefix));
      extra.forEach((key, content) -> {
        if (key.startsWith(prefix)) {
          all.add(new StoredObject(key, bytes(key).length));
        }
      });
      all.sort(Comparator.comparing(StoredObject::key));
      return all;
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
      return files.stat(key);
    }

    @Override
    public InputStream read(String key, long from, long to) throws IOException {
      if (extra.containsKey(key)) {
        return new ByteArrayInputStream(Arrays.copyOfRange(bytes(key), (int) from, (int) to));
      }
      return files.read(key, from, to);
    }

    @Override
    public long write(String key, InputStream data) throws IOException {
      return files.write(key, data);
    }

    @Override
    public void delete(String key) throws IOException {
      files.delete(key);
    }

    @Override
    public int discardUnfinished(String prefix) throws IOException {
      return files.discardUnfinished(prefix);
    }

    @Override
    public String describe() {
      return files.describe();
    }

    @Override
    public void close() {
      files.close();
    }

    private byte[] bytes(String key) {
      return extra.get(key).getBytes(StandardCharsets.UTF_8);
    }
  }
}
