package dev.restoreflow.activities.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Table names for --tables: table or schema.table, plain identifiers only. */
class TableNameTest {

  @Test
  void plainAndSchemaQualifiedNamesParse() {
    assertEquals(new TableName(null, "orders"), TableName.parse("orders"));
    assertEquals(new TableName("sales", "Items_2$"), TableName.parse("sales.Items_2$"));
    assertEquals(new TableName("public", "_t"), TableName.parse(" public._t "));
    assertEquals("sales.items", TableName.parse("sales.items").toString());
  }

  @Test
  void quotesDotsAndInjectionsAreRefused() {
    for (String bad : Arrays.asList("a.b.c", "\"Odd\"", "a b", "1abc", "a.", ".a", "",
        "t;drop table x", "t--", "x".repeat(64), "a-b", "a/b", null)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TableName.parse(bad), String.valueOf(bad));
      assertTrue(e.getMessage().contains("is not a table name restoreflow restores"),
          e.getMessage());
    }
  }

  @Test
  void aListKeepsItsOrderDropsDuplicatesAndIsBounded() {
    assertEquals(List.of(new TableName(null, "b"), new TableName("s", "a")),
        TableName.parseAll(List.of("b", "s.a", "b")));
    assertThrows(IllegalArgumentException.class, () -> TableName.parseAll(List.of()));
    assertThrows(IllegalArgumentException.class, () -> TableName.parseAll(null));
    List<String> many = new ArrayList<>(Collections.nCopies(TableName.MAX + 1, "t"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TableName.parseAll(many));
    assertTrue(e.getMessage().contains("at most 200"), e.getMessage());
  }
}
