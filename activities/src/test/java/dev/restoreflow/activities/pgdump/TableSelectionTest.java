package dev.restoreflow.activities.pgdump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The tables of --tables found in a backup's metadata. */
class TableSelectionTest {

  private static TableState table(String schema, String name) {
    return new TableState(schema, name, "h", 1, "1:2", "b1");
  }

  private final DumpMeta backup = new DumpMeta(DumpMeta.FORMAT, "b1", "main1", DumpMeta.FULL,
      null, "test", "2026-11-29T10:00:00Z", "2026-11-29T10:00:01Z", "shop", "15.8", 3, "abc",
      List.of(table("public", "orders"), table("public", "users"), table("sales", "orders"),
          table("sales", "items"), table("public", "Items")), List.of(), List.of());

  @Test
  void namesAreFoundQualifiedOrInTheirOneSchema() {
    assertEquals(List.of(table("public", "users"), table("sales", "items"),
        table("public", "orders")),
        TableSelection.of(backup, List.of("users", "items", "public.orders", "public.users")));
    assertEquals(List.of(table("public", "Items")), TableSelection.of(backup,
        List.of("Items")));
  }

  @Test
  void anUnknownTableIsRefusedNamingWhatTheBackupHas() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TableSelection.of(backup, List.of("users", "public.nosuch")));
    assertTrue(e.getMessage().startsWith("table public.nosuch is not in backup b1 (it has 5"
        + " table(s): public.Items, public.orders"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TableSelection.of(backup,
        List.of("USERS")), "case counts");
  }

  @Test
  void aNameInSeveralSchemasOrTwoTablesOfOneNameAreRefused() {
    IllegalArgumentException ambiguous = assertThrows(IllegalArgumentException.class,
        () -> TableSelection.of(backup, List.of("orders")));
    assertTrue(ambiguous.getMessage().contains("is in several schemas"),
        ambiguous.getMessage());
    IllegalArgumentException twins = assertThrows(IllegalArgumentException.class,
        () -> TableSelection.of(backup, List.of("public.orders", "sales.orders")));
    assertTrue(twins.getMessage().contains("share a name"), twins.getMessage());
  }

  @Test
  void aBadNameIsRefusedBeforeAnythingIsLookedUp() {
    assertThrows(IllegalArgumentException.class, () -> TableSelection.of(backup,
        List.of("orders; drop table users")));
  }
}
