package dev.restoreflow.activities.pgdump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.storage.FileObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository's reading of untrusted meta.json files, chains, and leftovers of dead attempts. */
class DumpRepositoryTest {

  @TempDir
  Path root;

  private static DumpMeta meta(String id, String parent) {
    return new DumpMeta(DumpMeta.FORMAT, id, "main1", parent == null ? DumpMeta.FULL
        : DumpMeta.INCREMENTAL, parent, "test", "2026-11-29T10:00:00Z", "2026-11-29T10:00:01Z",
        "shop", "15.8", 3, "abc", List.of(new TableState("public", "t", "h", 1, "1:2", id)),
        List.of("\"public\".\"t\""), List.of());
  }

  /** An every-database backup of {@code databases}, each part in its own file. */
  private static DumpMeta cluster(String id, String... databases) {
    List<DumpMeta> parts = new java.util.ArrayList<>();
    for (int i = 0; i < databases.length; i++) {
      parts.add(new DumpMeta(DumpMeta.FORMAT, id, "main1", DumpMeta.FULL, null, "test",
          "2026-11-29T10:00:00Z", "2026-11-29T10:00:01Z", databases[i], "15.8", 3, "abc",
          List.of(), List.of(), List.of(), null, "db-" + (i + 1) + ".pgdump", null));
    }
    return new DumpMeta(DumpMeta.CLUSTER_FORMAT, id, "main1", DumpMeta.FULL, null, "test",
        "2026-11-29T10:00:00Z", "2026-11-29T10:00:01Z", null, "15.8", 9, "def", List.of(),
        List.of(), List.of(), null, null, null, parts,
        new DumpMeta.GlobalsFile("globals.json", 3, "def", 2));
  }

  @Test
  void anEveryDatabaseBackupKeepsItsPartsAndRefusesADatabaseNameThatIsNotPlain()
      throws IOException {
    DumpRepository repository = repository();
    String id = "20261129T100000Z";
    repository.write(cluster(id, "shop", "crm"));
    for (String file : List.of("db-1.pgdump", "db-2.pgdump", "globals.json", "stray.pgdump")) {
      repository.store().write("main1/pgdump/" + id + "/" + file,
          new ByteArrayInputStream(new byte[] {1, 2, 3}));
    }
    assertEquals(1, repository.clearUnfinished(), "only the stray file is removed");
    assertEquals(List.of("main1/pgdump/" + id + "/db-1.pgdump",
        "main1/pgdump/" + id + "/db-2.pgdump", "main1/pgdump/" + id + "/globals.json"),
        repository.backup(id).orElseThrow().objectKeys());

    repository.write(cluster(id, "shop", "crm\"; drop database shop; --"));
    IOException e = assertThrows(IOException.class, repository::backups);
    assertTrue(e.getMessage().contains("does not describe backup " + id), e.getMessage());
    repository.write(cluster(id, "shop", "shop"));
    assertThrows(IOException.class, repository::backups, "a database twice");
  }

  private DumpRepository repository() {
    return new DumpRepository(new FileObjectStore(root), "main1");
  }

  @Test
  void backupsAreListedOldestFirstAndChainsEndInTheirFull() throws IOException {
    DumpRepository repository = repository();
    repository.write(meta("20261129T100000Z", null));
    repository.write(meta("20261129T110000Z", "20261129T100000Z"));
    repository.write(meta("20261129T120000Z", "20261129T110000Z"));
    assertEquals(List.of("20261129T100000Z", "20261129T110000Z", "20261129T120000Z"),
        repository.backups().stream().map(DumpMeta::id).toList());
    assertEquals(List.of("20261129T100000Z", "20261129T110000Z", "20261129T120000Z"),
        repository.chain(repository.backup("20261129T120000Z").orElseThrow()).stream()
            .map(DumpMeta::id).toList());
  }

  @Test
  void aMetaThatDescribesAnotherBackupOrIsNotJsonIsRefusedByName() throws IOException {
    DumpRepository repository = repository();
    repository.write(meta("20261129T100000Z", null));
    Path moved = root.resolve("main1/pgdump/20261129T110000Z");
    Files.createDirectories(moved);
    Files.copy(root.resolve("main1/pgdump/20261129T100000Z/meta.json"),
        moved.resolve("meta.json"));
    IOException e = assertThrows(IOException.class, repository::backups);
    assertTrue(e.getMessage().contains("does not describe backup 20261129T110000Z"),
        e.getMessage());
    Files.writeString(moved.resolve("meta.json"), "{not json");
    e = assertThrows(IOException.class, repository::backups);
    assertTrue(e.getMessage().contains("not a readable meta.json"), e.getMessage());
  }

  @Test
  void aChainThatLoopsOrMissesAParentIsRefused() throws IOException {
    DumpRepository repository = repository();
    repository.write(meta("20261129T110000Z", "20261129T100000Z"));
    IOException e = assertThrows(IOException.class, () -> repository.chain(
        repository.backup("20261129T110000Z").orElseThrow()));
    assertTrue(e.getMessage().contains("builds on 20261129T100000Z, which is not in"),
        e.getMessage());
    repository.write(meta("20261129T100000Z", "20261129T110000Z"));
    e = assertThrows(IOException.class, () -> repository.chain(
        repository.backup("20261129T110000Z").orElseThrow()));
    assertTrue(e.getMessage().contains("loops back"), e.getMessage());
  }

  @Test
  void whatADeadAttemptLeftIsClearedAndFinishedBackupsStay() throws IOException {
    DumpRepository repository = repository();
    repository.write(meta("20261129T100000Z", null));
    repository.store().write(PgDumpLayout.dump("main1", "20261129T100000Z"),
        new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)));
    repository.store().write(PgDumpLayout.dump("main1", "20261129T110000Z"),
        new ByteArrayInputStream("half".getBytes(StandardCharsets.UTF_8)));
    assertEquals(1, repository.clearUnfinished());
    assertEquals(List.of(), repository.store().list(PgDumpLayout.dir("main1", "20261129T110000Z")));
    assertEquals(2, repository.store().list(PgDumpLayout.dir("main1", "20261129T100000Z")).size());
  }

  @Test
  void idsAreTheStartSecondOrAPlainName() {
    assertEquals("20261129T231500Z", PgDumpLayout.checkId("20261129T231500Z"));
    assertEquals("pre_migration", PgDumpLayout.checkId("pre_migration"));
    for (String bad : new String[] {"../x", "20261129T231500Z/..", "", ".hidden", "a/b", null}) {
      assertThrows(IllegalArgumentException.class, () -> PgDumpLayout.checkId(bad));
    }
  }

  private static DumpMeta placed(String id, String parent, String dir, String endTime) {
    DumpMeta m = meta(id, parent);
    return new DumpMeta(m.format(), id, m.instance(), m.type(), parent, m.reason(),
        m.startTime(), endTime, m.database(), m.serverVersion(), m.bytes(), m.sha256(),
        m.tables(), m.dumpedTables(), m.droppedTables(), dir, null, null);
  }

  @Test
  void backupsOfTheDefaultPlaceAndOfDirectoriesAreListedTogetherByEndTime() throws IOException {
    DumpRepository repository = repository();
    repository.write(placed("20261129T100000Z", null, null, "2026-11-29T10:00:01Z"));
    repository.write(placed("pre_migration", null, "pre-migration", "2026-11-29T11:00:01Z"));
    repository.write(placed("after", "pre_migration", "pre-migration", "2026-11-29T12:00:01Z"));
    repository.write(placed("named", "20261129T100000Z", null, "2026-11-29T10:30:00.5Z"));
    assertTrue(Files.exists(root.resolve("main1/pgdump-dir/pre-migration/pre_migration/"
        + "meta.json")));
    assertEquals(List.of("20261129T100000Z", "named", "pre_migration", "after"),
        repository.backups().stream().map(DumpMeta::id).toList());
    assertEquals("pre-migration", repository.backup("after").orElseThrow().dir());
    assertEquals(List.of("pre_migration", "after"), repository.chain(
        repository.backup("after").orElseThrow()).stream().map(DumpMeta::id).toList());
    repository.delete("pre_migration");
    assertEquals(List.of(), repository.store().list("main1/pgdump-dir/pre-migration/"
        + "pre_migration/"));
    assertEquals(1, repository.store().list("main1/pgdump-dir/pre-migration/after/").size());
  }

  @Test
  void oneIdInTwoPlacesOrAMetaInAnotherDirectoryIsRefused() throws IOException {
    DumpRepository repository = repository();
    repository.write(placed("x", null, null, "2026-11-29T10:00:01Z"));
    repository.write(placed("x", null, "d", "2026-11-29T10:00:01Z"));
    IOException twice = assertThrows(IOException.class, repository::backups);
    assertTrue(twice.getMessage().contains("backup id x is in two places"), twice.getMessage());

    Files.createDirectories(root.resolve("main1/pgdump-dir/e/x"));
    Files.move(root.resolve("main1/pgdump-dir/d/x/meta.json"),
        root.resolve("main1/pgdump-dir/e/x/meta.json"));
    IOException moved = assertThrows(IOException.class, repository::backups);
    assertTrue(moved.getMessage().contains("does not describe backup x"), moved.getMessage());
  }

  @Test
  void aReplacementCutShortLeavesOnlyWhatTheMetaNamesAfterClearing() throws IOException {
    DumpRepository repository = repository();
    DumpMeta old = placed("pre", null, "d", "2026-11-29T10:00:01Z");
    repository.write(old);
    repository.store().write(old.dumpKey(), new ByteArrayInputStream(new byte[] {1, 2, 3}));
    String newer = PgDumpLayout.dump("main1", "d", "pre", "dump-1764410000000.pgdump");
    repository.store().write(newer, new ByteArrayInputStream(new byte[] {4}));
    assertEquals(1, repository.clearUnfinished());
    assertTrue(repository.store().stat(old.dumpKey()).isPresent());
    assertTrue(repository.store().stat(newer).isEmpty());
  }

  @Test
  void aDumpFileNameFromMetaThatLeavesItsDirectoryIsRefused() throws IOException {
    DumpRepository repository = repository();
    DumpMeta m = meta("20261129T100000Z", null);
    repository.write(new DumpMeta(m.format(), m.id(), m.instance(), m.type(), null, m.reason(),
        m.startTime(), m.endTime(), m.database(), m.serverVersion(), m.bytes(), m.sha256(),
        m.tables(), m.dumpedTables(), m.droppedTables(), null, "../other/dump.pgdump", null));
    IOException e = assertThrows(IOException.class, repository::backups);
    assertTrue(e.getMessage().contains("does not describe backup"), e.getMessage());
  }
}
