package dev.restoreflow.activities.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory's file stamps: what changes them, where they are kept, what is believed. */
class FileStampsTest {

  private static final String B1 = "20261130T100000Z";

  @TempDir
  Path dir;
  private Path pgdata;

  @BeforeEach
  void dataDirectory() throws Exception {
    pgdata = Files.createDirectories(dir.resolve("15/main"));
    Files.createDirectories(pgdata.resolve("base/1"));
    Files.createDirectories(pgdata.resolve("pg_wal"));
    Files.writeString(pgdata.resolve("PG_VERSION"), "15\n");
    Files.writeString(pgdata.resolve("base/1/a"), "relation a");
    Files.writeString(pgdata.resolve("base/1/b"), "relation b");
    Files.writeString(pgdata.resolve("pg_wal/000000010000000000000001"), "wal");
    Files.writeString(pgdata.resolve("postgresql.auto.conf"), "# recovery settings");
  }

  @Test
  void theFilesTheManifestCheckCoversAreStamped() throws Exception {
    assertEquals(Set.of("PG_VERSION", "base/1/a", "base/1/b"), FileStamps.take(pgdata).keySet(),
        "not pg_wal, not postgresql.auto.conf (restoreflow writes them itself)");
  }

  @Test
  void aWriteAChmodOrAReplacementChangesAStampNothingElseDoes() throws Exception {
    Map<String, FileStamps.Stamp> before = FileStamps.take(pgdata);
    FileStamps.letTheClockTurn(before);
    Files.readString(pgdata.resolve("PG_VERSION"));
    Files.writeString(pgdata.resolve("base/1/a"), "relation A");   // same size, other bytes
    Files.setPosixFilePermissions(pgdata.resolve("base/1/b"),
        PosixFilePermissions.fromString("rw-rw-rw-"));
    Map<String, FileStamps.Stamp> after = FileStamps.take(pgdata);
    assertEquals(before.get("base/1/a").size(), after.get("base/1/a").size());
    assertNotEquals(before.get("base/1/a"), after.get("base/1/a"));
    assertNotEquals(before.get("base/1/b"), after.get("base/1/b"));
    assertEquals(Set.of("PG_VERSION"), FileStamps.unchanged(before, after).keySet());

    Files.setLastModifiedTime(pgdata.resolve("base/1/a"),
        FileTime.fromMillis(System.currentTimeMillis() - 86_400_000L));
    assertNotEquals(after.get("base/1/a"), FileStamps.of(pgdata.resolve("base/1/a"))
        .orElseThrow(), "setting the mtime back is itself a change");
  }

  @Test
  void stampsAreKeptBesideTheDataDirectoryPerBackup() throws Exception {
    FileStamps stamps = new FileStamps(pgdata);
    Map<String, FileStamps.Stamp> taken = FileStamps.take(pgdata);
    stamps.save(B1, taken);
    assertEquals(dir.resolve("15/.main.restoreflow-stamps"), stamps.directory());
    assertTrue(Files.isRegularFile(stamps.directory().resolve(B1 + ".json")));
    assertEquals("rwx------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(stamps.directory())));
    assertEquals(taken, new FileStamps(pgdata).load(B1));
    assertEquals(Map.of(), stamps.load("20261130T110000Z"), "no stamps for another backup");
  }

  @Test
  void onlyTheNewestBackupsStampsAreKept() throws Exception {
    FileStamps stamps = new FileStamps(pgdata);
    Map<String, FileStamps.Stamp> taken = FileStamps.take(pgdata);
    for (int hour = 10; hour < 14; hour++) {
      stamps.save("20261130T" + hour + "0000Z", taken);
      Files.setLastModifiedTime(stamps.directory().resolve("20261130T" + hour + "0000Z.json"),
          FileTime.fromMillis(1_000_000L * hour));
    }
    stamps.save("20261130T140000Z", taken);
    assertEquals(Map.of(), stamps.load("20261130T100000Z"));
    assertEquals(Map.of(), stamps.load("20261130T110000Z"));
    assertEquals(taken, stamps.load("20261130T120000Z"));
    assertEquals(taken, stamps.load("20261130T140000Z"));
  }

  @Test
  void aDamagedOrLinkedStampsDirectoryIsNotBelieved() throws Exception {
    FileStamps stamps = new FileStamps(pgdata);
    stamps.save(B1, FileStamps.take(pgdata));
    Files.writeString(stamps.directory().resolve(B1 + ".json"), "{\"backupId\":");
    assertEquals(Map.of(), stamps.load(B1));
    Files.writeString(stamps.directory().resolve(B1 + ".json"),
        "{\"backupId\":\"20261130T110000Z\",\"files\":{\"PG_VERSION\":[1,2,3,4]}}");
    assertEquals(Map.of(), stamps.load(B1), "the stamps of another backup under its name");

    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path other = Files.createDirectories(dir.resolve("16/main"));
    Files.createSymbolicLink(dir.resolve("16/.main.restoreflow-stamps"), elsewhere);
    new FileStamps(other).save(B1, FileStamps.take(pgdata));
    assertFalse(Files.exists(elsewhere.resolve(B1 + ".json")), "not written through a link");
    Files.copy(stamps.directory().resolve(B1 + ".json"), elsewhere.resolve(B1 + ".json"));
    assertEquals(Map.of(), new FileStamps(other).load(B1), "not read through a link");
  }

  @Test
  void aBackupIdOfAnotherFormIsRefused() {
    FileStamps stamps = new FileStamps(pgdata);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> stamps.load("../../etc/passwd"));
  }

  /**
   * A change made after the wait cannot carry a stamp's ctime: past the newest one's tick, or
   * its whole second where no stamp has a fraction of one (whole-second file systems).
   */
  @Test
  void theWaitOutlastsTheNewestStampsTickOrSecond() {
    long second = 1_000_000_000L;
    FileStamps.Stamp fine = new FileStamps.Stamp(1, 2, 3, 1_000 * second + 500_000_000L);
    FileStamps.Stamp older = new FileStamps.Stamp(1, 3, 3, 990 * second);
    assertEquals(20, FileStamps.waitMillis(java.util.List.of(fine, older), 1_000_500L),
        "a tick past the newest");
    assertEquals(20, FileStamps.waitMillis(java.util.List.of(fine), 1_000_900L), "at least a tick");
    FileStamps.Stamp whole = new FileStamps.Stamp(1, 2, 3, 1_000 * second);
    assertEquals(1_001_020 - 1_000_100, FileStamps.waitMillis(java.util.List.of(whole, older),
        1_000_100L), "to the next second, and a tick");
  }
}
