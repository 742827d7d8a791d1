package dev.restoreflow.activities.mysqltables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scratch database of a mysqltables clone or drill, and CHECK TABLE's verdicts. */
class ScratchSchemaTest {

  private static final MysqlTablesConfig CONFIG = new MysqlTablesConfig("/var/tmp/archives", null,
      null, null, "shop", "backup", null, null, null, null);

  @Test
  void theInstancesDatabaseAndItsRestoresScratchAreNeverAScratch() {
    for (String name : List.of("shop", "SHOP", "shop_restoreflow")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ScratchSchema.of(name, CONFIG), name);
      assertTrue(e.getMessage().contains("never restores into"), e.getMessage());
    }
    for (String name : Arrays.asList(null, "", "9x", "a-b", "x`; DROP DATABASE shop; --",
        "a".repeat(65))) {
      assertThrows(IllegalArgumentException.class, () -> ScratchSchema.of(name, CONFIG),
          String.valueOf(name));
    }
    ScratchSchema into = ScratchSchema.of("shop_drill", CONFIG);
    assertEquals("`shop_drill`", into.quoted());
    assertEquals("restoreflow scratch shop_drill", into.marker());
  }

  @Test
  void checkTablePassesOnOkAndNotesAndFailsOnErrorsOrABadStatus() {
    assertNull(ScratchProof.verdict(List.of("shop_drill.acct\tcheck\tstatus\tOK")));
    assertNull(ScratchProof.verdict(List.of(
        "shop_drill.t\tcheck\tnote\tThe storage engine for the table doesn't support check",
        "shop_drill.m\tcheck\tstatus\tTable is already up to date")));
    assertEquals("error: Table 'shop_drill.acct' doesn't exist; status: Operation failed",
        ScratchProof.verdict(List.of(
            "shop_drill.acct\tcheck\terror\tTable 'shop_drill.acct' doesn't exist",
            "shop_drill.acct\tcheck\tstatus\tOperation failed")));
    assertEquals("warning: Size of datafile is wrong; status: Corrupt", ScratchProof.verdict(
        List.of("shop_drill.a\tcheck\twarning\tSize of datafile is wrong",
            "shop_drill.a\tcheck\tstatus\tCorrupt")));
    assertEquals("no answer", ScratchProof.verdict(List.of()));
  }
}
