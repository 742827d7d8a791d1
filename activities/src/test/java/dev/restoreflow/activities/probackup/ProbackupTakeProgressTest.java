package dev.restoreflow.activities.probackup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.restoreflow.activities.exec.OutputListener;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbackupTakeProgressTest {

  private static final String FULL_START = "INFO: Backup start, pg_probackup version: 2.5.15,"
      + " instance: main1, backup ID: TP9FW5, backup mode: FULL, wal mode: STREAM, remote: false,"
      + " compress-algorithm: none, compress-level: 1";

  @Test
  void aFullBackupWithoutCompressionGrowsTowardsTheDataSize() {
    ProbackupBackups.TakeListener listener = new ProbackupBackups.TakeListener(1);
    listener.onLine(OutputListener.Stream.STDERR, FULL_START);
    Map<String, Object> details = details(listener.progress(300, 1200));
    assertEquals("TP9FW5", details.get("backupId"));
    assertEquals(300, details.get("bytesDone"));
    assertEquals(1200, details.get("bytesTotal"));
    assertEquals(1200, details.get("dataBytes"));
    // the backup's own WAL can take its directory past the data's size: the bar stays at 100%
    Map<String, Object> past = details(listener.progress(1300, 1200));
    assertEquals(1200, past.get("bytesDone"));
    assertEquals(1300, past.get("bytesWritten"));
  }

  @Test
  void noPercentWhereTheBackupStoresLessThanTheDataByAnUnknownRatio() {
    for (String start : new String[] {
        FULL_START.replace("compress-algorithm: none", "compress-algorithm: zlib"),
        FULL_START.replace("backup mode: FULL", "backup mode: DELTA"),
        FULL_START.replace("backup mode: FULL", "backup mode: PAGE")}) {
      ProbackupBackups.TakeListener listener = new ProbackupBackups.TakeListener(1);
      listener.onLine(OutputListener.Stream.STDERR, start);
      Map<String, Object> details = details(listener.progress(300, 1200));
      assertEquals(0, details.get("bytesTotal"), start);
      assertEquals(300, details.get("bytesDone"), "still a count that grows, for the rate");
      assertEquals(1200, details.get("dataBytes"));
    }
  }

  @Test
  void beforeTheDataIsMeasuredThereIsNoTotal() {
    ProbackupBackups.TakeListener listener = new ProbackupBackups.TakeListener(1);
    listener.onLine(OutputListener.Stream.STDERR, FULL_START);
    assertEquals(0, details(listener.progress(300, 0)).get("bytesTotal"));
  }

  @Test
  void aBackupsDirectoryIsInTheCatalogUnderItsInstance() {
    assertEquals("/mnt/backups/backups/main1/TP9FW5", ProbackupBackups.backupDirectory(
        new ProbackupConfig(null, "/mnt/backups", "main1", null), "TP9FW5"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> details(Object progress) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
        DefaultDataConverter.STANDARD_INSTANCE.toPayload(progress).orElseThrow(), Map.class,
        Map.class);
  }
}
