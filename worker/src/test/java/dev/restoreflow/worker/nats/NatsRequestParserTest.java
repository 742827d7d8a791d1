package dev.restoreflow.worker.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seed 002's requests, both forms, and what is not the protocol. */
class NatsRequestParserTest {

  private static final String ARCHIVE = "2021-11-28_23-49-44-backup.7z";

  private static byte[] body(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, List<String>> headers(String... keyValues) {
    java.util.LinkedHashMap<String, List<String>> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.computeIfAbsent(keyValues[i], k -> new java.util.ArrayList<>()).add(keyValues[i + 1]);
    }
    return map;
  }

  private static String invalid(NatsRequest request) {
    return assertInstanceOf(NatsRequest.Invalid.class, request).reason();
  }

  @Test
  void listBackupsTakesAnyBody() {
    assertInstanceOf(NatsRequest.ListBackups.class, NatsRequestParser.listBackups());
  }

  @Test
  void makeBackupInTheBodyFormOfTheSeed() {
    assertEquals(new NatsRequest.MakeBackup(List.of("table1", "table2", "table3")),
        NatsRequestParser.makeBackup(null, body("makebackup=table1,table2,table3")));
  }

  @Test
  void makeBackupInTheHeaderFormOfTheSeedWithAnyBody() {
    assertEquals(new NatsRequest.MakeBackup(List.of("table1", "table2", "table3")),
        NatsRequestParser.makeBackup(headers("tables", "table1,table2,table3"),
            body("makebackup")));
    assertEquals(new NatsRequest.MakeBackup(List.of("t1")),
        NatsRequestParser.makeBackup(headers("tables", "t1"), body("")));
  }

  @Test
  void bothFormsAreAcceptedWhenTheyAgree() {
    assertEquals(new NatsRequest.MakeBackup(List.of("t1", "t2")),
        NatsRequestParser.makeBackup(headers("tables", "t1,t2"), body("makebackup=t1,t2\n")));
  }

  @Test
  void headerAndBodyThatDisagreeAreRefused() {
    assertTrue(invalid(NatsRequestParser.makeBackup(headers("tables", "t1,t2"),
        body("makebackup=t1,t3"))).contains("disagree"));
    assertTrue(invalid(NatsRequestParser.archive(headers("archivename", ARCHIVE),
        body("archivename=2021-11-28_23-49-45-backup.7z"))).contains("disagree"));
    assertTrue(invalid(NatsRequestParser.restore(headers("archivename", ARCHIVE, "tables",
        "t1.sql"), body("archive=" + ARCHIVE + ";tables=t2.sql"))).contains("disagree"));
  }

  @Test
  void headerNamesAreReadInAnyCaseButOnce() {
    assertEquals(new NatsRequest.MakeBackup(List.of("t1")),
        NatsRequestParser.makeBackup(headers("Tables", "t1"), body("x")));
    assertTrue(invalid(NatsRequestParser.makeBackup(headers("tables", "t1", "TABLES", "t2"),
        body("x"))).contains("more than once"));
  }

  @Test
  void archiveInBothFormsOfTheSeed() {
    assertEquals(new NatsRequest.Archive("2021-11-28_20-30-39-backup.7z"),
        NatsRequestParser.archive(null, body("archivename=2021-11-28_20-30-39-backup.7z")));
    assertEquals(new NatsRequest.Archive("2021-11-28_20-30-39-backup.7z"),
        NatsRequestParser.archive(headers("archivename", "2021-11-28_20-30-39-backup.7z"),
            body("archive")));
  }

  @Test
  void archiveNamesNotOfThePromisedFormAreBadAndShownSafely() {
    NatsRequest.Invalid seedExample = assertInstanceOf(NatsRequest.Invalid.class,
        NatsRequestParser.archive(null, body("archivename=2021-11-28_20-30-39-backupf.7z")));
    assertEquals("2021-11-28_20-30-39-backupf.7z", seedExample.shownName());
    assertEquals("wrong.7z", ((NatsRequest.Invalid) NatsRequestParser.archive(null,
        body("archivename=wrong.7z"))).shownName());
    assertEquals("..?etc?passwd", ((NatsRequest.Invalid) NatsRequestParser.archive(null,
        body("archivename=../etc/passwd"))).shownName());
    assertEquals("?x?", ((NatsRequest.Invalid) NatsRequestParser.archive(null,
        body("archivename=\"x\""))).shownName());
    invalid(NatsRequestParser.archive(null, body("archivename=2021-13-28_20-30-39-backup.7z")));
    invalid(NatsRequestParser.archive(null, body("archivename=2021-11-28_20-30-39-backup.zip")));
  }

  @Test
  void restoreInBothFormsOfTheSeed() {
    NatsRequest.Restore expected = new NatsRequest.Restore(ARCHIVE,
        List.of("table1.sql", "table2.sql", "table3.sql"));
    assertEquals(expected, NatsRequestParser.restore(null,
        body("archive=" + ARCHIVE + ";tables=table1.sql,table2.sql,table3.sql")));
    assertEquals(expected, NatsRequestParser.restore(headers("archivename", ARCHIVE, "tables",
        "table1.sql,table2.sql,table3.sql"), body("archive")));
  }

  @Test
  void restoreOfTheSeedsBadExampleIsRefused() {
    assertTrue(invalid(NatsRequestParser.restore(null, body("archive=" + ARCHIVE
        + ";tables=table1.sql,table2.sql,table3.sqld"))).contains("table3.sqld"));
  }

  @Test
  void restoreNeedsBothHeadersOrBothItems() {
    invalid(NatsRequestParser.restore(headers("archivename", ARCHIVE), body("archive")));
    invalid(NatsRequestParser.restore(headers("tables", "t1.sql"), body("archive")));
    invalid(NatsRequestParser.restore(null, body("archive=" + ARCHIVE)));
    invalid(NatsRequestParser.restore(null, body("tables=t1.sql")));
    invalid(NatsRequestParser.restore(null, body("archive=" + ARCHIVE + ";tables=t1.sql;x=y")));
    invalid(NatsRequestParser.restore(null, body("archive=" + ARCHIVE + ";archive=" + ARCHIVE
        + ";tables=t1.sql")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"makebackup", "makebackup t1,t2", "", "makebackup=", "makebackup= ",
      "makebackup=t1,,t2", "makebackup=,t1", "makebackup=t1,", "makebackup=../t1",
      "makebackup=a/b", "makebackup=t1..t2", "makebackup='t1'", "makebackup=\"t1\"",
      "makebackup=t1;drop", "makebackup=t 1", "makebackup=t1,t1", "tables=t1",
      "makebackup=t1\u0000", "makebackup=t\u00e9", "makebackup=t1\u0007"})
  void malformedMakeBackupBodiesAreRefused(String text) {
    invalid(NatsRequestParser.makeBackup(null, body(text)));
  }

  @Test
  void aMissingEqualsSignIsNamed() {
    assertTrue(invalid(NatsRequestParser.makeBackup(null, body("makebackup"))).contains("'='"));
    assertTrue(invalid(NatsRequestParser.restore(null, body("archive"))).contains("'='"));
    assertTrue(invalid(NatsRequestParser.archive(null, body("archivename"))).contains("'='"));
  }

  @Test
  void bytesThatAreNotUtf8AreRefused() {
    byte[] latin1 = {'m', 'a', 'k', 'e', 'b', 'a', 'c', 'k', 'u', 'p', '=', 't', (byte) 0xe9};
    assertTrue(invalid(NatsRequestParser.makeBackup(null, latin1)).contains("UTF-8"));
    assertTrue(invalid(NatsRequestParser.makeBackup(headers("tables", "t1"), latin1))
        .contains("UTF-8"));
    assertTrue(invalid(NatsRequestParser.archive(null, new byte[] {(byte) 0xff}))
        .contains("UTF-8"));
  }

  @Test
  void aNulByteAnywhereIsRefused() {
    assertTrue(invalid(NatsRequestParser.makeBackup(headers("tables", "t1\u0000"), body("x")))
        .contains("NUL"));
    assertTrue(invalid(NatsRequestParser.status(null, body("job\u0000"))).contains("NUL"));
  }

  @Test
  void reasonsNeverRepeatTheClientsBytes() {
    String reason = invalid(NatsRequestParser.makeBackup(null,
        body("makebackup=t1,<script>\"x\"")));
    assertTrue(!reason.contains("<") && !reason.contains("\""), reason);
  }

  @Test
  void statusInEveryForm() {
    NatsRequest.Status expected = new NatsRequest.Status("tables-20261130-044000-abcdef");
    assertEquals(expected, NatsRequestParser.status(headers("job",
        "tables-20261130-044000-abcdef"), body("")));
    assertEquals(expected, NatsRequestParser.status(null, body("job=tables-20261130-044000-abcdef")));
    assertEquals(expected, NatsRequestParser.status(null, body("tables-20261130-044000-abcdef\n")));
    invalid(NatsRequestParser.status(null, body("")));
    invalid(NatsRequestParser.status(null, body("job=../x")));
    invalid(NatsRequestParser.status(null, body("id=x")));
  }

  @Test
  void archiveNamesAreUniquePerSecondAndMoveOn() {
    ArchiveNames names = new ArchiveNames();
    java.time.Instant t = java.time.Instant.parse("2021-11-28T17:59:19.100Z");
    assertEquals("2021-11-28_17-59-19-backup.7z", names.next(t));
    assertEquals("2021-11-28_17-59-20-backup.7z", names.next(t.plusMillis(500)));
    assertEquals("2021-11-28_17-59-21-backup.7z", names.next(t.plusMillis(900)));
    assertEquals("2021-11-28_17-59-30-backup.7z", names.next(t.plusSeconds(11)));
    assertTrue(ArchiveNames.isArchiveName("2021-11-28_17-59-30-backup.7z"));
  }

  @Test
  void repliesAreWrittenAsTheSeedsPythonWroteThem() {
    Map<String, String> ok = new java.util.LinkedHashMap<>();
    ok.put("status", "ok");
    ok.put("futurefilename", "/opt/backups/x.7z");
    assertEquals("{\"status\": \"ok\", \"futurefilename\": \"/opt/backups/x.7z\"}",
        new String(SeedJson.object(ok), StandardCharsets.US_ASCII));
    assertEquals("{}", new String(SeedJson.object(Map.of()), StandardCharsets.US_ASCII));
    assertEquals("{\"e\": \"caf\\u00E9 \\\"q\\\"\"}", new String(SeedJson.object(
        Map.of("e", "café \"q\"")), StandardCharsets.US_ASCII));
  }
}
