package dev.restoreflow.activities.mysqltables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Splitting one mariadb-dump run (MariaDB 10.11's real output) into per-table files. */
class DumpSplitterTest {

  @TempDir
  Path dir;
  /** Where the last split wrote. */
  private Path last;

  private static String dump() throws IOException {
    try (InputStream in = DumpSplitterTest.class.getResourceAsStream(
        "/mysqltables/two-tables.sql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private Map<String, Long> split(String dump, List<String> tables, List<String> events)
      throws IOException {
    Path into = Files.createTempDirectory(dir, "split");
    last = into;
    return new DumpSplitter(into, tables, () -> events.add("first table"),
        (table, bytes) -> events.add(table)).split(new ByteArrayInputStream(
            dump.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void eachTableGetsTheHeaderItsOwnPartAndTheFooter() throws IOException {
    List<String> events = new ArrayList<>();
    Map<String, Long> sizes = split(dump(), List.of("a", "b"), events);
    assertEquals(List.of("first table", "a", "b"), events);
    assertEquals(List.of("a", "b"), List.copyOf(sizes.keySet()));
    String a = Files.readString(last.resolve("a.sql"));
    String b = Files.readString(last.resolve("b.sql"));
    for (String file : List.of(a, b)) {
      assertTrue(file.startsWith("/*M!999999\\- enable the sandbox mode */"), file);
      assertTrue(file.contains("SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS"), file);
      assertTrue(file.contains("/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;"), file);
      assertTrue(file.strip().endsWith(file.lines().filter(l -> l.startsWith("-- Dump completed"))
          .findFirst().orElseThrow()), file);
    }
    assertTrue(a.contains("--\n-- Table structure for table `a`\n--\n"), a);
    assertTrue(a.contains("INSERT INTO `a` VALUES") && !a.contains("`b`"), a);
    assertTrue(b.contains("INSERT INTO `b` VALUES") && !b.contains("`a`"), b);
    assertEquals(Files.size(last.resolve("a.sql")), sizes.get("a"));
    // together the parts hold every line of the dump
    String all = dump();
    for (String line : all.lines().toList()) {
      assertTrue(a.contains(line) || b.contains(line), line);
    }
  }

  @Test
  void aDumpCutShortIsRefused() throws IOException {
    String dump = dump();
    String cut = dump.substring(0, dump.indexOf("UNLOCK TABLES;", dump.indexOf("`b`")));
    DumpSplitter.BadDumpException e = assertThrows(DumpSplitter.BadDumpException.class,
        () -> split(cut, List.of("a", "b"), new ArrayList<>()));
    assertTrue(e.getMessage().contains("cut short"), e.getMessage());
  }

  @Test
  void aTableNotAskedForOrMissingIsRefused() throws IOException {
    assertTrue(assertThrows(DumpSplitter.BadDumpException.class,
        () -> split(dump(), List.of("a"), new ArrayList<>())).getMessage()
        .contains("no more tables"));
    assertTrue(assertThrows(DumpSplitter.BadDumpException.class,
        () -> split(dump(), List.of("b", "a"), new ArrayList<>())).getMessage()
        .contains("where table b was expected"));
    assertTrue(assertThrows(DumpSplitter.BadDumpException.class,
        () -> split(dump(), List.of("a", "b", "c"), new ArrayList<>())).getMessage()
        .contains("after 2 of 3 tables"));
  }

  @Test
  void anEmptyDumpNeverSignalsTheFirstTable() {
    List<String> events = new ArrayList<>();
    assertThrows(DumpSplitter.BadDumpException.class, () -> split("", List.of("a"), events));
    assertFalse(events.contains("first table"));
  }

  @Test
  void footerLinesAreTheOnesThatSetBackTheHeadersSettings() {
    assertTrue(DumpSplitter.isFooterStart("/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;"));
    assertFalse(DumpSplitter.isFooterStart(
        "/*!40101 SET character_set_client = @saved_cs_client */;"));
    assertFalse(DumpSplitter.isFooterStart("(1,'=@OLD_ in data'),"));
  }
}
