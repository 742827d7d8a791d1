package dev.restoreflow.activities.pgdump;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A table's own entries in the table of contents that {@code pg_restore -l -v} (15) wrote for a
 * database with an identity and a serial column, foreign keys both ways, a view and a function
 * on a table, comments, grants, a trigger, a policy, extended statistics, a NOT VALID check and
 * a table of the same name in another schema.
 */
class TocTest {

  private static Toc listing() throws IOException {
    try (InputStream in = TocTest.class.getResourceAsStream("/pgdump/toc-listing.txt")) {
      return Toc.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static TableState table(String schema, String name) {
    return new TableState(schema, name, "h", 1, "1:2", "b1");
  }

  private static List<Integer> ids(List<String> lines) {
    return lines.stream().map(l -> Integer.parseInt(l.substring(0, l.indexOf(';')))).toList();
  }

  @Test
  void aTableBringsItsOwnObjectsAndNotWhatDependsOnIt() throws IOException {
    // not the view v_orders (221), the function top_orders (223), order_items' foreign key
    // to it (3233), nor sales.orders (220, 3385, 3230)
    assertEquals(List.of(218, 3393, 3394, 3395, 217, 3383, 3397, 3227, 3223, 3228, 3231, 3234,
        3232, 3379, 3378), ids(listing().closure(List.of(table("public", "orders")))));
  }

  @Test
  void aSerialColumnBringsItsSequenceOwnershipAndDefault() throws IOException {
    // not orders' foreign key to users (3232): it is orders'
    assertEquals(List.of(216, 215, 3396, 3221, 3381, 3398, 3225),
        ids(listing().closure(List.of(table("public", "users")))));
  }

  @Test
  void theTablesOfASchemaAreTheirsAlone() throws IOException {
    assertEquals(List.of(220, 3385, 3230), ids(listing().closure(List.of(table("sales",
        "orders")))));
    assertEquals(List.of(3383), ids(listing().dataOf(List.of(table("public", "orders")))));
    assertEquals(List.of(), listing().closure(List.of(table("public", "nosuch"))));
  }
}
