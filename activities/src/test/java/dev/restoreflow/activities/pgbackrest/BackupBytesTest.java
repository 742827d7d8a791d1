package dev.restoreflow.activities.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.common.converter.DefaultDataConverter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupBytesTest {

  @Test
  void everyKindOfFileLineIsReadWithItsSizeAndPgBackRestsPercent() {
    assertEquals(new BackedUpFileLine("/pg/base/5/1249", 448 * 1024, 19.10),
        BackedUpFileLine.parse("2026-11-30 15:10:01.123 P00 DETAIL: backup file /pg/base/5/1249"
            + " (448KB, 19.10%) checksum ed99aa").orElseThrow());
    assertEquals(new BackedUpFileLine("/pg/base/5/1247", 8192, 19.35),
        BackedUpFileLine.parse("P00 DETAIL: backup file /pg/base/5/1247 (bundle 1/8192, 8KB,"
            + " 19.35%) checksum 0c1f").orElseThrow());
    assertEquals(new BackedUpFileLine("/pg/base/5/1259", Math.round(1.5 * 1024 * 1024), 20.01),
        BackedUpFileLine.parse("P00 DETAIL: match file from prior backup /pg/base/5/1259 (1.5MB,"
            + " 20.01%) checksum 3a8c").orElseThrow());
    assertEquals(new BackedUpFileLine("db1:/pg/PG_VERSION", 3, 21.4),
        BackedUpFileLine.parse("P01 DETAIL: checksum resumed file db1:/pg/PG_VERSION (3B,"
            + " 21.40%) checksum 77d0").orElseThrow());
    assertEquals(new BackedUpFileLine("/pg/base/1/2", 0, 0.0),
        BackedUpFileLine.parse("P00 DETAIL: backup file /pg/base/1/2 (0B, 0.00%)").orElseThrow());
    assertTrue(BackedUpFileLine.parse("P00 DETAIL: skip file removed by database /pg/x").isEmpty());
    assertTrue(BackedUpFileLine.parse("P00   INFO: backup start archive = 000000010000000000000003,"
        + " lsn = 0/3000028").isEmpty());
    assertTrue(BackedUpFileLine.parse("P00 DETAIL: restore file /pg/base/5/1249 (448KB, 19.10%)")
        .isEmpty(), "a restore's line is not a backup's");
  }

  @Test
  void theTotalFollowsFromPgBackRestsPercentAndIsReachedAtTheEnd() {
    BackupBytes bytes = new BackupBytes();
    assertEquals(0, bytes.total(), "nothing reported yet");
    bytes.see("P00   INFO: execute non-exclusive backup start");
    bytes.see("P00 DETAIL: backup file /pg/base/1/1 (0B, 0.00%)");
    assertEquals(0, bytes.total(), "0% says nothing of the total");
    bytes.see("P00 DETAIL: backup file /pg/base/1/2 (250KB, 25.00%) checksum aa");
    assertEquals(256_000, bytes.done());
    assertEquals(1_024_000, bytes.total());
    bytes.see("P00 DETAIL: backup file /pg/base/1/3 (500KB, 75.00%) checksum bb");
    assertEquals(768_000, bytes.done());
    assertEquals(1_024_000, bytes.total());
    bytes.see("P00 DETAIL: match file from prior backup /pg/base/1/4 (250KB, 100.00%)");
    assertEquals(1_024_000, bytes.done());
    assertEquals(bytes.done(), bytes.total(), "the bar ends full");
  }

  @Test
  void pgBackRestsRoundingNeverPutsTheBytesDoneAboveTheTotal() {
    BackupBytes bytes = new BackupBytes();
    // pgBackRest rounds the percent down: 0.99% of a total the sizes would put at 101%
    bytes.see("P00 DETAIL: backup file /pg/a (1KB, 0.99%)");
    assertTrue(bytes.done() <= bytes.total(), bytes.done() + " of " + bytes.total());
  }

  @Test
  void theHeartbeatCarriesTheContractsByteFieldsAsTemporalSerializesThem() {
    var payload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(
        new PgBackRestBackups.TakeProgress(1, null, 12, "P00 DETAIL: backup file ...", 300, 1200));
    @SuppressWarnings("unchecked")
    Map<String, Object> details = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
        payload.orElseThrow(), Map.class, Map.class);
    assertEquals(300, details.get("bytesDone"));
    assertEquals(1200, details.get("bytesTotal"));
    // an older worker's payload, without the bytes, still reads
    PgBackRestBackups.TakeProgress old = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
        DefaultDataConverter.STANDARD_INSTANCE.toPayload(Map.of("attempt", 1, "label",
            "20261130-150000F", "outputLines", 3, "lastLine", "x")).orElseThrow(),
        PgBackRestBackups.TakeProgress.class, PgBackRestBackups.TakeProgress.class);
    assertEquals("20261130-150000F", old.label());
    assertEquals(0, old.bytesTotal());
  }
}
