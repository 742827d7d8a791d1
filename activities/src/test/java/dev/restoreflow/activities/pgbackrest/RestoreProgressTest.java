package dev.restoreflow.activities.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import dev.restoreflow.activities.exec.Redactor;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestoreProgressTest {

  @Test
  void theHeartbeatCarriesBytesAgainstTheBackupsSizeAsTemporalSerializesIt() {
    RestoreProgress progress = new RestoreProgress(2, 1000, new LocalCommandRunner(Redactor.NONE),
        PgBackRestCommandsTest.MAIN);
    progress.onLine(OutputListener.Stream.STDOUT, "INFO: restore command begin 2.45");
    var payload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(progress.snapshot());
    assertTrue(payload.isPresent(), "heartbeat details Temporal can carry");
    @SuppressWarnings("unchecked")
    Map<String, Object> details = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
        payload.get(), Map.class, Map.class);
    assertEquals(2, details.get("attempt"));
    assertEquals(1000, details.get("backupBytes"));
    assertEquals(1000, details.get("bytesTotal"), "the contract's names for the CLI's bar");
    assertEquals(0, details.get("bytesDone"), "nothing measured yet");
    assertEquals("INFO: restore command begin 2.45", details.get("lastLine"));
  }

  @Test
  void duTotalsAreReadEvenWhenFilesVanishedMeanwhile() {
    assertEquals(23714056L, RestoreProgress.firstNumber("du: cannot access 'x': No such file\n"
        + "23714056\t/var/lib/postgresql/15/main\n", 0));
    assertEquals(7L, RestoreProgress.firstNumber("", 7));
  }

  @Test
  void fileLinesGiveThePercentAndTheBytesWrittenAndKept() {
    RestoreProgress progress = new RestoreProgress(1, 4_000_000, new LocalCommandRunner(
        Redactor.NONE), PgBackRestCommandsTest.MAIN);
    progress.onLine(OutputListener.Stream.STDOUT, "2026-11-29 19:29:40.040 P01 DETAIL: restore"
        + " file /pg/base/5/1255 - exists and matches backup (768KB, 3.42%) checksum adb7a4a7");
    progress.onLine(OutputListener.Stream.STDOUT, "2026-11-29 19:29:40.052 P01 DETAIL: restore"
        + " file /pg/base/5/1249 (448KB, 19.10%) checksum ed9989a4");
    progress.onLine(OutputListener.Stream.STDOUT, "2026-11-29 19:29:40.053 P02 DETAIL: restore"
        + " file /pg/base/5/16384 (1.5MB, 12.00%) checksum 9b6205f8");

    RestoreProgress.RestoreHeartbeat beat = (RestoreProgress.RestoreHeartbeat) progress.snapshot();
    assertEquals(19, beat.percent(), "the highest percent pgBackRest printed");
    assertEquals(2, beat.filesWritten());
    assertEquals(448 * 1024 + 1_572_864, beat.bytesWritten());
    assertEquals(1, beat.filesKept());
    assertEquals(768 * 1024, beat.bytesKept());
    assertEquals(764_000.0, beat.bytesDone(), 1.0, "19.10 % of the backup's 4,000,000 bytes");
    assertEquals(4_000_000, beat.bytesTotal());
    assertTrue(progress.summary().startsWith("2 files rewritten (1.9 MiB written), 1 files"
        + " kept as they were (768.0 KiB); backup 3.8 MiB"), progress.summary());
  }

  @Test
  void onlyFileLinesAreFiles() {
    assertEquals(Optional.empty(), RestoredFileLine.parse(
        "P00 DETAIL: remove invalid file '/pg/base/5/16384'"));
    assertEquals(Optional.empty(), RestoredFileLine.parse(
        "P00   INFO: repo1: restore backup set 20261129-192936F"));
    assertEquals(Optional.of(new RestoredFileLine("/pg/dir with space/PG_VERSION", false, 3,
        100.0)), RestoredFileLine.parse("P01 DETAIL: restore file /pg/dir with space/PG_VERSION"
            + " (3B, 100.00%) checksum 1"));
    assertEquals(Optional.of(new RestoredFileLine("/pg/base/1/2", true, 0, 50.0)),
        RestoredFileLine.parse("P01 DETAIL: restore file /pg/base/1/2 - exists and is zero size"
            + " (0B, 50.00%)"));
    assertEquals(Optional.of(new RestoredFileLine("/pg/base/1/3", false, 1L << 30, 99.5)),
        RestoredFileLine.parse("P03 DETAIL: restore zeroed file /pg/base/1/3 (1GB, 99.50%)"));
  }
}
