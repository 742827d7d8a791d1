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
  void idsAreTheStartSecondAndNothingElse() {
    assertEquals("20261129T231500Z", PgDumpLayout.checkId("20261129T231500Z"));
    for (String bad : new String[] {"../x", "20261129T231500Z/..", "", "latest", null}) {
      assertThrows(IllegalArgumentException.class, () -> PgDumpLayout.checkId(bad));
    }
  }
}
