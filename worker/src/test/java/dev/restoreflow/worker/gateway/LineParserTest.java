package dev.restoreflow.worker.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LineParserTest {

  @Test
  void theSeedsFourExampleLinesParse() {
    assertEquals(new LineCommand.Restore("main1", null, null, false, false, null),
        LineParser.parse("db_instance=main1"));
    assertEquals(new LineCommand.Restore("main1", "S-DB1", null, false, false, null),
        LineParser.parse("db_instance=main1, db_host=S-DB1"));
    assertEquals(new LineCommand.Restore("main1", "S-DB1", "SSCOAD", false, false, null),
        LineParser.parse("db_instance=main1, db_host=S-DB1, backup_id=SSCOAD"));
    assertEquals(new LineCommand.Restore("main1", "S-DB1", "SSCOAD", true, false, null),
        LineParser.parse("db_instance=main1, db_host=S-DB1, backup_id=SSCOAD, incremental"));
  }

  @Test
  void whiteSpaceAroundItemsIsFineAndIdsPassAsWrittenToTheInstancesEngine() {
    assertEquals(new LineCommand.Restore("main1", "S-DB1", "sscoad", true, false, null),
        LineParser.parse("  incremental ,backup_id = sscoad,\tdb_host=S-DB1 ,db_instance=main1  "));
  }

  @Test
  void theBareWordFullAsksForAFullRestoreBesideTheSeedsItems() {
    assertEquals(new LineCommand.Restore("main1", "S-DB1", null, false, true, null),
        LineParser.parse("db_instance=main1, db_host=S-DB1, full"));
    assertEquals(new LineCommand.Restore("main1", null, "SSCOAD", false, true, null),
        LineParser.parse(" full,backup_id=SSCOAD , db_instance=main1"));
    // both parse: the request resolver refuses the pair, with the same message on every way in
    assertEquals(new LineCommand.Restore("main1", null, null, true, true, null),
        LineParser.parse("db_instance=main1, incremental, full"));
  }

  @Test
  void basebackupIdsPassAsTheyAre() {
    assertEquals(new LineCommand.Restore("odo1", null, "20261123T091500Z", false, false, null),
        LineParser.parse("db_instance=odo1, backup_id=20261123T091500Z"));
  }

  @Test
  void statusAndQueue() {
    assertEquals(new LineCommand.Status("main1-20261123-060808-8d1e6f", null),
        LineParser.parse("status main1-20261123-060808-8d1e6f"));
    assertEquals(new LineCommand.Queue(null, null), LineParser.parse("queue"));
    assertEquals(new LineCommand.Queue("S-DB1", null), LineParser.parse("queue S-DB1"));
  }

  @Test
  void statusAndQueueCarryATokenAsAnItem() {
    assertEquals(new LineCommand.Status("main1-20261123-060808-8d1e6f", "s3cr3t"),
        LineParser.parse("status main1-20261123-060808-8d1e6f, token=s3cr3t"));
    assertEquals(new LineCommand.Queue("S-DB1", "s3cr3t"), LineParser.parse("queue S-DB1 ,token=s3cr3t"));
    assertEquals(new LineCommand.Queue(null, "s3cr3t"), LineParser.parse("queue, token=s3cr3t"));
    assertEquals(-1, LineParser.parse("queue, token=s3cr3t").toString().indexOf("s3cr3t"));
    assertEquals(-1, LineParser.parse("status j1, token=s3cr3t").toString().indexOf("s3cr3t"));
  }

  @Test
  void everyKindOfBadLineGetsItsOwnCode() {
    Map<String, String> cases = Map.ofEntries(
        Map.entry("", GatewayError.EMPTY),
        Map.entry("   \t ", GatewayError.EMPTY),
        Map.entry("db_instance=main1\0", GatewayError.NUL_BYTE),
        Map.entry("db_instance=main1\u001b[2J", GatewayError.BAD_CHARACTER),
        Map.entry("db_instance=main1,, incremental", GatewayError.BAD_ITEM),
        Map.entry("db_instance=main1, incremental=yes", GatewayError.UNKNOWN_KEY),
        Map.entry("db_instance=", GatewayError.BAD_ITEM),
        Map.entry("db_instance=main1, colour=blue", GatewayError.UNKNOWN_KEY),
        Map.entry("db_instance=main1, please", GatewayError.UNKNOWN_KEY),
        Map.entry("db_instance=main1, db_instance=main2", GatewayError.REPEATED_KEY),
        Map.entry("db_instance=main1, incremental, incremental", GatewayError.REPEATED_KEY),
        Map.entry("db_instance=main1, full, full", GatewayError.REPEATED_KEY),
        Map.entry("db_instance=main1, full=yes", GatewayError.UNKNOWN_KEY),
        Map.entry("db_instance=main1, FULL", GatewayError.UNKNOWN_KEY),
        Map.entry("db_host=S-DB1", GatewayError.MISSING_INSTANCE),
        Map.entry("db_instance=main1;rm -rf /", GatewayError.BAD_NAME),
        Map.entry("db_instance=$(id)", GatewayError.BAD_NAME),
        Map.entry("db_instance=main1, db_host=../etc", GatewayError.BAD_NAME),
        Map.entry("db_instance=main1, backup_id=-D/etc", GatewayError.BAD_BACKUP_ID),
        Map.entry("db_instance=main1, backup_id=SSCOAD;id", GatewayError.BAD_BACKUP_ID),
        Map.entry("status", GatewayError.BAD_COMMAND),
        Map.entry("status a b", GatewayError.BAD_COMMAND),
        Map.entry("status ../../x", GatewayError.BAD_COMMAND),
        Map.entry("queue a b", GatewayError.BAD_COMMAND),
        Map.entry("status j1, db_instance=main1", GatewayError.UNKNOWN_KEY),
        Map.entry("status j1, incremental", GatewayError.UNKNOWN_KEY),
        Map.entry("queue, full", GatewayError.UNKNOWN_KEY),
        Map.entry("queue, token=a, token=b", GatewayError.REPEATED_KEY),
        Map.entry("queue S-DB1,", GatewayError.BAD_ITEM),
        Map.entry("status j1, token=", GatewayError.BAD_ITEM),
        Map.entry("GET / HTTP/1.1", GatewayError.NOT_PROTOCOL),
        Map.entry("POST /restore?db_instance=main1 HTTP/1.1", GatewayError.NOT_PROTOCOL),
        Map.entry("PRI * HTTP/2.0", GatewayError.NOT_PROTOCOL),
        Map.entry("Host: 127.0.0.1:5000", GatewayError.NOT_PROTOCOL),
        Map.entry("Content-Type: application/x-www-form-urlencoded", GatewayError.NOT_PROTOCOL),
        Map.entry("X-Db:db_instance=main1", GatewayError.NOT_PROTOCOL));
    cases.forEach((line, code) -> {
      LineCommand parsed = LineParser.parse(line);
      LineCommand.Invalid invalid = assertInstanceOf(LineCommand.Invalid.class, parsed, line);
      assertEquals(code, invalid.error().code(), line + " -> " + invalid.error().reason());
    });
  }

  @Test
  void aTokenIsNeverPrinted() {
    LineCommand parsed = LineParser.parse("db_instance=main1, token=s3cr3t-value");
    assertEquals("s3cr3t-value", ((LineCommand.Restore) parsed).token());
    assertEquals(-1, parsed.toString().indexOf("s3cr3t"));
  }
}
