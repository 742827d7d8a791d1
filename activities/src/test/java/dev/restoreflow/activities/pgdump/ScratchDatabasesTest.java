package dev.restoreflow.activities.pgdump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scratch databases of a pgdump clone or drill: their names, and what is refused. */
class ScratchDatabasesTest {

  private static final PgDumpConfig CONFIG = new PgDumpConfig("file:///var/tmp/repo", null, null,
      null, null, null, null, null, null, "shop", 1, 2, "/var/tmp/staging", null, null);

  private static TableState table(String schema, String name, long rows) {
    return new TableState(schema, name, "h", rows, "1:2", "b1");
  }

  private static DumpMeta one(String id, String database, TableState... tables) {
    return new DumpMeta(DumpMeta.FORMAT, id, "main1", DumpMeta.FULL, null, "test",
        "2026-11-29T10:00:00Z", "2026-11-29T10:00:01Z", database, "15.8", 3, "abc",
        List.of(tables), List.of(), List.of());
  }

  private static DumpMeta every(String id, DumpMeta... parts) {
    return new DumpMeta(DumpMeta.CLUSTER_FORMAT, id, "main1", DumpMeta.FULL, null, "test",
        "2026-11-29T10:00:00Z", "2026-11-29T10:00:01Z", null, "15.8", 3, "abc", List.of(),
        List.of(), List.of(), null, null, null, List.of(parts),
        new DumpMeta.GlobalsFile("globals.json", 10, "def", 2));
  }

  @Test
  void aOneDatabaseBackupRestoresIntoTheScratchDatabaseItself() {
    ScratchDatabases into = ScratchDatabases.of("shop_drill", CONFIG);
    DumpMeta backup = one("b1", "shop", table("public", "items", 5));
    assertEquals(List.of("shop_drill"), into.names(backup));
    assertEquals("restoreflow scratch shop_drill", into.marker());
  }

  @Test
  void anEveryDatabaseBackupRestoresEachDatabaseIntoItsOwnScratchDatabase() {
    ScratchDatabases into = ScratchDatabases.of("drill", CONFIG);
    // the instance's database (where VerifyCluster connects) is the scratch itself
    DumpMeta backup = every("b2", one("b2", "shop"), one("b2", "postgres"));
    assertEquals(List.of("drill", "drill_postgres"), into.names(backup));
    assertFalse(into.needsEmptyScratch(backup));
    // without it, the scratch is created empty for the drill's checks to connect to
    DumpMeta without = every("b3", one("b3", "app"), one("b3", "postgres"));
    assertEquals(List.of("drill", "drill_app", "drill_postgres"), into.names(without));
    assertTrue(into.needsEmptyScratch(without));
  }

  @Test
  void theInstancesDatabaseAndRestoreflowsOwnCopiesAreNeverAScratch() {
    for (String name : List.of("shop", "shop_restoring", "shop_before_20261129T100000")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ScratchDatabases.of(name, CONFIG), name);
      assertTrue(e.getMessage().contains("never restores over"), e.getMessage());
    }
    for (String name : Arrays.asList(null, "", "9x", "a b", "x\"; drop database shop; --",
        "a".repeat(37))) {
      assertThrows(IllegalArgumentException.class, () -> ScratchDatabases.of(name, CONFIG),
          String.valueOf(name));
    }
  }

  @Test
  void aScratchNameThatIsOneOfTheBackupsDatabasesOrTooLongIsRefused() {
    DumpMeta backup = every("b3", one("b3", "a_x"), one("b3", "x"));
    IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
        () -> ScratchDatabases.of("a", CONFIG).names(backup));
    assertTrue(clash.getMessage().contains("a_x is a database of backup b3"),
        clash.getMessage());
    DumpMeta longNames = every("b4", one("b4", "d".repeat(36)));
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
        () -> ScratchDatabases.of("s".repeat(30), CONFIG).names(longNames));
    assertTrue(tooLong.getMessage().contains("longer than PostgreSQL's 63"), tooLong.getMessage());
  }

  @Test
  void theFiguresAreTheRowCountsTheBackupRecorded() {
    assertEquals(Map.of("\"public\".\"items\"", 5L, "\"sales\".\"Odd\"\"Name\"", 7L),
        ScratchProof.figures(one("b1", "shop", table("public", "items", 5),
            table("sales", "Odd\"Name", 7))));
    assertEquals(Map.of("shop/\"public\".\"items\"", 5L, "postgres/\"public\".\"t\"", 1L),
        ScratchProof.figures(every("b2", one("b2", "shop", table("public", "items", 5)),
            one("b2", "postgres", table("public", "t", 1)))));
  }
}
