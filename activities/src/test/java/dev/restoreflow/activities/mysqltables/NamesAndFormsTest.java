package dev.restoreflow.activities.mysqltables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Archive names, table names, the 7z listing, the manifest, the option file, the swap. */
class NamesAndFormsTest {

  @Test
  void archiveNamesHaveTheSeedsFormInUtc() {
    Instant at = Instant.parse("2021-11-28T17:59:19Z");
    assertEquals("2021-11-28_17-59-19-backup.7z", ArchiveNames.of(at));
    assertEquals(at, ArchiveNames.timeOf("2021-11-28_17-59-19-backup.7z"));
    assertEquals("2021-11-28_17-59-19-backup.7z",
        ArchiveNames.check("2021-11-28_17-59-19-backup.7z"));
    for (String bad : Arrays.asList(null, "", "x.7z", "2021-11-28_17-59-19-backup.7zx",
        "../2021-11-28_17-59-19-backup.7z", "2021-13-28_17-59-19-backup.7z",
        "2021-11-28_25-59-19-backup.7z", ".partial-2021-11-28_17-59-19-backup.7z",
        "2021-11-28_17-59-19-backupf.7z")) {
      assertFalse(ArchiveNames.isArchiveName(bad), bad);
      assertThrows(IllegalArgumentException.class, () -> ArchiveNames.check(bad));
    }
  }

  @Test
  void tableNamesArePlainIdentifiersGivenBareOrAsTheirFileName() {
    assertEquals(List.of("orders", "items"), TableNames.parseAll(List.of("orders.sql", " items",
        "orders")));
    for (String bad : Arrays.asList("a/b", "..", "../x", "a.b", "o'rders", "o\"rders", "o`r",
        "", " ", "a b", "1abc", "t\u0000", "x".repeat(41), ".sql", "t;drop")) {
      assertThrows(IllegalArgumentException.class, () -> TableNames.parse(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> TableNames.parseAll(List.of()));
    assertThrows(IllegalArgumentException.class, () -> TableNames.parseAll(null));
    assertEquals("`a``b`", TableNames.quoted("a`b"));
  }

  @Test
  void theListingNamesEachFileOfTheArchiveWithItsSize() throws IOException {
    String listing;
    try (InputStream in = getClass().getResourceAsStream("/mysqltables/listing.txt")) {
      listing = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(List.of(new SevenZip.Entry("a.sql", 3), new SevenZip.Entry("manifest.json", 3)),
        SevenZip.entries(listing));
    assertEquals(List.of(), SevenZip.entries("garbage\n"));
  }

  @Test
  void sevenZipCommandLinesEndOptionsBeforeNames() {
    assertEquals(List.of("/usr/bin/7zz", "a", "-t7z", "-mx=5", "-bd", "-y", "--", "/d/x.7z",
        "a.sql", "manifest.json"), SevenZip.add("/usr/bin/7zz", 5, "/d/x.7z",
            List.of("a.sql", "manifest.json")));
    assertEquals(List.of("/usr/bin/7zz", "e", "-so", "-bd", "--", "/d/x.7z", "manifest.json"),
        SevenZip.print("/usr/bin/7zz", "/d/x.7z", "manifest.json"));
  }

  @Test
  void theManifestRoundTripsAndRefusesFilesOtherThanItsTables() throws IOException {
    Manifest manifest = new Manifest(1, "2021-11-28_17-59-19-backup.7z", "job-1", "shop",
        "10.11.19-MariaDB", "binlog.000001:1466", 3, "2021-11-28T17:59:19Z",
        "2021-11-28T17:59:21Z", List.of(new Manifest.TableFacts("a", "a.sql", 2,
            "crc32:sum=1,xor=2", 100)));
    assertEquals(manifest, Manifest.parse(manifest.toJson()));
    String forged = new String(manifest.toJson(), StandardCharsets.UTF_8)
        .replace("\"a.sql\"", "\"../etc.sql\"");
    assertThrows(IOException.class, () -> Manifest.parse(forged.getBytes(
        StandardCharsets.UTF_8)));
  }

  @Test
  void theOptionFileQuotesThePasswordAndNeverPutsItElsewhere() {
    MysqlTablesConfig config = new MysqlTablesConfig("/opt/backups", null, 3307, null, "shop",
        "backup", "SHOP_PW", null, null, null);
    assertEquals("[client]\nuser=\"backup\"\npassword=\"p\\\"w\\\\x\"\nhost=127.0.0.1\n"
        + "port=3307\nprotocol=tcp\n", OptionFile.text(config, "p\"w\\x"));
    assertThrows(IllegalArgumentException.class, () -> OptionFile.text(config, "a\nb"));
    List<String> dump;
    try (OptionFile options = fake()) {
      dump = MariaDbCommands.dump(config, options, List.of("a", "b"));
    }
    assertTrue(dump.stream().noneMatch(arg -> arg.contains("p\"w")), dump.toString());
    assertTrue(dump.containsAll(List.of("--single-transaction", "--skip-lock-tables",
        "--no-tablespaces", "shop", "a", "b")), dump.toString());
  }

  /** What a killed worker left is removed by the next one; a living owner's file stays. */
  @Test
  void optionFilesOfDeadWorkersAreRemoved(@org.junit.jupiter.api.io.TempDir java.nio.file.Path
      tmp) throws IOException {
    java.nio.file.Path dead = java.nio.file.Files.createDirectories(
        tmp.resolve("restoreflow-mysql-999999999-1"));
    java.nio.file.Files.writeString(dead.resolve("client.cnf"), "[client]\npassword=x\n");
    java.nio.file.Path alive = java.nio.file.Files.createDirectories(tmp.resolve(
        "restoreflow-mysql-" + ProcessHandle.current().pid() + "-2"));
    OptionFile.removeOrphans(tmp);
    assertFalse(java.nio.file.Files.exists(dead));
    assertTrue(java.nio.file.Files.exists(alive));
  }

  private static OptionFile fake() {
    try {
      return OptionFile.write(new MysqlTablesConfig("/opt/backups", null, null, null, "shop",
          "backup", null, null, null, null), null);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void oneRenameStatementSwapsEveryTableAndMovesInADroppedOne() {
    assertEquals("RENAME TABLE `shop`.`a` TO `shop`.`a_before_20211128_175919`,"
        + " `shop_restoreflow`.`a` TO `shop`.`a`, `shop_restoreflow`.`b` TO `shop`.`b`",
        TableLoader.renameStatement("shop", "shop_restoreflow", List.of("a", "b"), List.of("a"),
            "20211128_175919"));
  }

  @Test
  void theChecksumQueryQuotesEveryColumnAndItsResultIsParsed() {
    assertEquals("SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|', QUOTE(`id`),"
        + " QUOTE(`v``x`)))), 0), COALESCE(BIT_XOR(CRC32(CONCAT_WS('|', QUOTE(`id`),"
        + " QUOTE(`v``x`)))), 0) FROM `shop`.`a`",
        TableChecksum.query("shop", "a", List.of("id", "v`x")));
    assertEquals(new TableChecksum.Counted(3, "crc32:sum=12,xor=7"),
        TableChecksum.parse("3\t12\t7\n"));
    assertThrows(IllegalStateException.class, () -> TableChecksum.parse("ERROR"));
    assertEquals("binlog.000001:1466", SnapshotDump.binlogPosition("binlog.000001\t1466\t\t"));
  }
}
