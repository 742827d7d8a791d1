package dev.restoreflow.activities.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.archive.ChunkedCompressor;
import dev.restoreflow.activities.archive.Compression;
import dev.restoreflow.activities.archive.ConfinedDirectory;
import dev.restoreflow.activities.archive.CorruptObjectException;
import dev.restoreflow.activities.archive.TarIndex;
import dev.restoreflow.activities.archive.TarIndexer;
import dev.restoreflow.activities.archive.TestTar;
import dev.restoreflow.activities.archive.UnsafePathException;
import dev.restoreflow.activities.storage.FileObjectStore;
import dev.restoreflow.activities.storage.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delta restore on a file:// repository with a backup written as restoreflow writes one
 * (chunked zstd tarball, file index): whatever the data directory holds, the result is the
 * backup, and only the chunks holding blocks that differ are read.
 */
class DeltaFetcherTest {

  private static final int BLOCK = 4096;
  private static final int CHUNK = 8192;

  @TempDir
  Path dir;
  private TestRepository repository;
  private Path pgdata;
  private BackupMeta meta;
  private TarIndex index;
  private byte[] big;
  /** Files whose content a test compares beyond the index's hashes. */
  private byte[] tarBytesOfBackup;
  private final Map<String, byte[]> contents = new java.util.HashMap<>();

  @BeforeEach
  void backup() throws Exception {
    repository = new TestRepository(Files.createDirectories(dir.resolve("repo")));
    pgdata = Files.createDirectories(dir.resolve("data/pgdata"));
    Random random = new Random(18);
    big = new byte[40 * BLOCK + 77];
    random.nextBytes(big);
    byte[] control = pgControl(random);
    byte[] gone = new byte[5 * BLOCK];
    random.nextBytes(gone);
    byte[] tar = new TestTar().directory("./").file("./PG_VERSION", "15\n")
        .directory("./global/").file("./global/pg_control", control)
        .directory("./base/").directory("./base/1/").file("./base/1/big", big)
        .file("./base/1/small", "a small relation").file("./base/1/gone", gone)
        .file("./base/1/empty", new byte[0]).directory("./pg_wal/")
        .file("./postgresql.conf", "port = 5432\n").bytes();
    meta = store(tar);
    contents.put("global/pg_control", control);
    contents.put("base/1/big", big);
  }

  /**
   * Like PostgreSQL's: a struct, its CRC-32C, zeros to 8 KiB. Every such file has the same
   * CRC-32C (the CRC's residue), whatever the struct holds.
   */
  private static byte[] pgControl(Random random) {
    byte[] control = new byte[8192];
    byte[] struct = new byte[296];
    random.nextBytes(struct);
    System.arraycopy(struct, 0, control, 0, struct.length);
    CRC32C crc = new CRC32C();
    crc.update(struct);
    int value = (int) crc.getValue();
    for (int i = 0; i < 4; i++) {
      control[struct.length + i] = (byte) (value >>> (8 * i));
    }
    return control;
  }

  @Test
  void intoAnEmptyDirectoryTheDeltaWritesTheWholeBackup() throws Exception {
    DeltaFetcher.Outcome outcome = fetch(() -> { });
    PgControlLast.publish(ConfinedDirectory.ownedLikeRoot(pgdata));
    assertEquals(expectedTree(), tree(pgdata));
    assertEquals(outcome.chunks(), outcome.chunksFetched());
    assertEquals(7, outcome.filesCreated());
    assertChecksumsAreTheFilesCrcs(outcome);
    assertEquals(0, lastFetcher.comparedBytes(), "nothing on disk to compare");
    assertTrue(outcome.bytesWritten() > 0);
    assertEquals(outcome.bytesWritten(), lastFetcher.bytesTotal(), "the fetch phase's total");
    assertEquals(outcome.bytesWritten(), lastFetcher.bytesDone(), "all of it written");
  }

  @Test
  void whileComparingTheProgressIsTheDataDirectorysBytesReadOfThoseToRead() throws Exception {
    fetch(() -> { });
    PgControlLast.publish(ConfinedDirectory.ownedLikeRoot(pgdata));
    long onDisk;
    try (Stream<Path> files = Files.walk(pgdata)) {
      onDisk = files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
          .mapToLong(f -> f.toFile().length()).sum();
    }
    long[] seen = {-1, -1};
    fetch(() -> {
      if (seen[0] < 0) {   // the first beat: comparing
        seen[0] = lastFetcher.bytesDone();
        seen[1] = lastFetcher.bytesTotal();
      }
    });
    assertEquals(onDisk, seen[1], "every byte of the files the disk has, to compare");
    assertTrue(seen[0] >= 0 && seen[0] <= seen[1], "compared " + seen[0] + " of " + seen[1]);
    assertEquals(onDisk, lastFetcher.comparedBytes(), "all compared in the end");
    assertEquals(0, lastFetcher.bytesTotal(), "the same data again: nothing to write");
  }

  @Test
  void afterChangesOnlyTheChangedBlocksChunksAreFetchedAndTheResultIsExact() throws Exception {
    fetch(() -> { });
    PgControlLast.publish(ConfinedDirectory.ownedLikeRoot(pgdata));
    Map<String, String> restored = tree(pgdata);
    assertEquals(expectedTree(), restored);

    // one byte of one block of the large file, a removed file, a stray file and directory,
    // a shortened file, a longer one, a mode changed
    try (var file = new java.io.RandomAccessFile(pgdata.resolve("base/1/big").toFile(), "rw")) {
      file.seek(20L * BLOCK + 5);
      file.write(big[20 * BLOCK + 5] ^ 1);
    }
    Files.delete(pgdata.resolve("base/1/small"));
    Files.writeString(pgdata.resolve("base/1/stray"), "not in the backup");
    Files.createDirectories(pgdata.resolve("junk/deeper"));
    Files.writeString(pgdata.resolve("junk/deeper/file"), "x");
    Files.write(pgdata.resolve("base/1/gone"), new byte[BLOCK]);
    Files.writeString(pgdata.resolve("PG_VERSION"), "15\nand more");
    Files.setPosixFilePermissions(pgdata.resolve("postgresql.conf"),
        PosixFilePermissions.fromString("rw-rw-rw-"));
    Files.createSymbolicLink(pgdata.resolve("pg_wal/link-out"), dir);
    // what a cluster that ran after the restore has: another pg_control, the same CRC-32C
    byte[] ranSince = pgControl(new Random(99));
    assertEquals(crc32c(ranSince), crc32c(contents.get("global/pg_control")));
    Files.write(pgdata.resolve("global/pg_control"), ranSince);

    DeltaFetcher.Outcome outcome = fetch(() -> { });
    PgControlLast.publish(ConfinedDirectory.ownedLikeRoot(pgdata));
    assertEquals(restored, tree(pgdata), "exactly the backup again");
    assertTrue(Files.exists(dir), "a link is removed as a link");
    assertEquals(2, outcome.filesKept(), "empty, postgresql.conf (its mode only): " + outcome);
    assertEquals(4, outcome.filesChanged(), "pg_control, big, gone, PG_VERSION: " + outcome);
    assertEquals(1, outcome.filesCreated(), "small: " + outcome);
    assertEquals(1 + 1 + 1 + 5, outcome.blocksWritten(), "pg_control, big's block, small, gone: "
        + outcome);
    assertEquals(3, outcome.entriesRemoved(), "stray, junk, the link: " + outcome);
    assertTrue(outcome.chunksFetched() < outcome.chunks() / 3, "fetched " + outcome);
    assertChecksumsAreTheFilesCrcs(outcome);
  }

  /**
   * Files whose stamps did not change since they held the backup are kept without reading them;
   * every file that was written, replaced or chmod-ed since is compared as before.
   */
  @Test
  void filesUnchangedSinceTheyHeldTheBackupAreKeptUnread() throws Exception {
    fetch(() -> { });
    PgControlLast.publish(ConfinedDirectory.ownedLikeRoot(pgdata));
    Map<String, String> restored = tree(pgdata);
    Map<String, FileStamps.Stamp> stamps = FileStamps.take(pgdata);
    FileStamps.letTheClockTurn(stamps);

    try (var file = new java.io.RandomAccessFile(pgdata.resolve("base/1/big").toFile(), "rw")) {
      file.seek(7L * BLOCK);
      file.write(big[7 * BLOCK] ^ 1);
    }
    Files.setPosixFilePermissions(pgdata.resolve("postgresql.conf"),
        PosixFilePermissions.fromString("rw-rw-rw-"));
    // the same size, another file (and perhaps the same inode number): a new change time
    byte[] gone = Files.readAllBytes(pgdata.resolve("base/1/gone"));
    Files.delete(pgdata.resolve("base/1/gone"));
    gone[3] ^= 1;
    Files.write(pgdata.resolve("base/1/gone"), gone);

    DeltaFetcher.Outcome outcome = fetch(stamps, () -> { });
    PgControlLast.publish(ConfinedDirectory.ownedLikeRoot(pgdata));
    assertEquals(restored, tree(pgdata), "exactly the backup again");
    assertEquals(java.util.Set.of("PG_VERSION", "base/1/small", "base/1/empty"), outcome.unread(),
        "pg_control is held aside under another name: compared");
    assertEquals(big.length + gone.length + "port = 5432\n".length() + 8192,
        lastFetcher.comparedBytes(), "big, gone, postgresql.conf and pg_control read");
    assertEquals(2, outcome.blocksWritten(), "big's block and gone's: " + outcome);
    assertEquals("15\n".length() + "a small relation".length(), outcome.bytesUnread());
    assertEquals(outcome.filesKept(), 5, "the unread three, postgresql.conf, pg_control");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 5, 12, 20, 30})
  void aDeltaKilledHalfWayAndRunAgainIsExact(int killedAtBeat) throws Exception {
    fetch(() -> { });
    PgControlLast.publish(ConfinedDirectory.ownedLikeRoot(pgdata));
    Map<String, String> restored = tree(pgdata);
    // another state entirely: every file damaged
    try (Stream<Path> walk = Files.walk(pgdata)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < bytes.length; i += 1000) {
          bytes[i] ^= 0x55;
        }
        Files.write(file, bytes);
      }
    }
    AtomicInteger beats = new AtomicInteger();
    assertThrows(IOException.class, () -> fetch(() -> {
      if (beats.incrementAndGet() == killedAtBeat) {
        throw new IOException("killed");
      }
    }));
    assertFalse(Files.exists(pgdata.resolve("global/pg_control")),
        "a delta that did not finish has no pg_control in place");
    fetch(() -> { });
    PgControlLast.publish(ConfinedDirectory.ownedLikeRoot(pgdata));
    assertEquals(restored, tree(pgdata));
  }

  @Test
  void anIndexNamingAPathOutsideTheDataDirectoryIsRefusedBeforeAnythingIsWritten()
      throws Exception {
    TarIndex evil = new TarIndex(BLOCK, List.of(new TarIndex.Member("../outside",
        TarIndex.Kind.FILE, 0600, 0, 512, null, null)));
    Files.writeString(pgdata.resolve("PG_VERSION"), "15\n");
    UnsafePathException refused = assertThrows(UnsafePathException.class, () ->
        new DeltaFetcher(store(), config(), pgdata).fetch(TestRepository.INSTANCE, meta, evil,
            null, new AtomicLong(), () -> { }));
    assertTrue(refused.getMessage().contains("../outside"), refused.getMessage());
    assertFalse(Files.exists(dir.resolve("data/outside")));
    assertEquals("15\n", Files.readString(pgdata.resolve("PG_VERSION")));
  }

  @Test
  void anIndexThatPointsOutsideTheTarballIsCorrupt() throws Exception {
    byte[] stored = BackupFileIndex.write(index);
    assertEquals(index.members().size(), BackupFileIndex.read(stored, tarBytes()).members()
        .size());
    assertThrows(CorruptObjectException.class, () -> BackupFileIndex.read(stored, 1024));
    assertThrows(CorruptObjectException.class, () -> BackupFileIndex.read(
        "{\"version\":1,\"blockSize\":4096,\"members\":[{\"path\":\"a\",\"kind\":\"f\",\"mode\":384,\"size\":5000,\"offset\":512,\"crc\":\"AAAA\"}]}"
            .getBytes(), tarBytes()), "one checksum for a file of two blocks");
    assertThrows(CorruptObjectException.class, () -> BackupFileIndex.read("[]".getBytes(), 10));
  }

  private long tarBytes() {
    return meta.objects().get(0).tarBytes();
  }

  /** The last {@link #fetch}'s fetcher, for its progress figures. */
  private DeltaFetcher lastFetcher;

  private DeltaFetcher.Outcome fetch(DeltaFetcher.Beat beat) throws IOException {
    return fetch(Map.of(), beat);
  }

  private DeltaFetcher.Outcome fetch(Map<String, FileStamps.Stamp> known, DeltaFetcher.Beat beat)
      throws IOException {
    try (ObjectStore store = store()) {
      TarIndex read = DeltaRestores.index(store, TestRepository.INSTANCE, meta);
      lastFetcher = new DeltaFetcher(store, config(), pgdata);
      return lastFetcher.fetch(TestRepository.INSTANCE, meta, read, null, new AtomicLong(), known,
          beat);
    }
  }

  private ObjectStore store() {
    return new FileObjectStore(repository.root());
  }

  private BaseBackupConfig config() {
    return new BaseBackupConfig("file://" + repository.root(), null, null, null, null, null,
        "zstd", 2, 16, Map.of());
  }

  /** The tarball as BaseBackupMaker stores it: zstd chunks, a file index, backup.json. */
  private BackupMeta store(byte[] tar) throws Exception {
    tarBytesOfBackup = tar;
    String dirKey = BaseBackupLayout.backupDir(TestRepository.INSTANCE, TestRepository.BACKUP_ID);
    long size;
    List<dev.restoreflow.activities.archive.Chunk> chunks;
    try (ObjectStore store = store(); TarIndexer indexer = new TarIndexer(BLOCK);
        ChunkedCompressor compressor = new ChunkedCompressor(new ByteArrayInputStream(tar),
            Compression.ZSTD, CHUNK, 2, indexer::accept)) {
      size = store.write(dirKey + "base.tar.zst", compressor.compressed());
      chunks = compressor.chunks();
      index = indexer.finish().orElseThrow();
      store.write(dirKey + BackupFileIndex.OBJECT,
          new ByteArrayInputStream(BackupFileIndex.write(index)));
    }
    BackupMeta written = new BackupMeta(TestRepository.BACKUP_ID, TestRepository.INSTANCE, "zstd",
        1, 2, "0/2000028", "0/2000100", 1, "restoreflow",
        List.of(new BackupObject("base.tar.zst", size, tar.length, chunks)),
        BackupFileIndex.OBJECT);
    new ObjectMapper().writeValue(repository.root().resolve(BaseBackupLayout.meta(
        TestRepository.INSTANCE, TestRepository.BACKUP_ID)).toFile(), written);
    return written;
  }

  /** What the backup holds, as {@link #tree} shows a directory. */
  private Map<String, String> expectedTree() {
    Map<String, String> tree = new TreeMap<>();
    index.members().forEach(member -> tree.put(member.path(), switch (member.kind()) {
      case DIRECTORY -> "dir " + Integer.toOctalString(member.mode());
      case SYMLINK -> "link " + member.linkTarget();
      case FILE -> "file " + Integer.toOctalString(member.mode()) + " " + member.size()
          + " sha256 " + sha256(tarContent(member));
    }));
    return tree;
  }

  /** Every entry: kind, mode, size and a file's SHA-256. */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.filter(p -> !p.equals(root)).toList()) {
        String relative = root.relativize(path).toString();
        String mode = Integer.toOctalString(modeOf(path));
        if (Files.isSymbolicLink(path)) {
          tree.put(relative, "link " + Files.readSymbolicLink(path));
        } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          tree.put(relative, "dir " + mode);
        } else {
          tree.put(relative, "file " + mode + " " + Files.size(path) + " sha256 "
              + sha256(Files.readAllBytes(path)));
        }
      }
    }
    return tree;
  }

  private void assertChecksumsAreTheFilesCrcs(DeltaFetcher.Outcome outcome) throws IOException {
    for (TarIndex.Member member : index.members()) {
      if (member.kind() == TarIndex.Kind.FILE) {
        byte[] bytes = Files.readAllBytes(pgdata.resolve(member.path()));
        assertEquals(crc32c(bytes), (int) outcome.checksums().get(member.path()), member.path());
      }
    }
  }

  /** A file's bytes as the tarball holds them. */
  private byte[] tarContent(TarIndex.Member member) {
    return java.util.Arrays.copyOfRange(tarBytesOfBackup, (int) member.dataOffset(),
        (int) (member.dataOffset() + member.size()));
  }

  private static int crc32c(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int modeOf(Path path) throws IOException {
    int mode = 0;
    for (var permission : Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)) {
      mode |= 1 << (8 - permission.ordinal());
    }
    return mode;
  }
}
