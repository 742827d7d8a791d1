package dev.restoreflow.activities.probackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.cluster.DirectorySize;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import dev.restoreflow.activities.exec.Redactor;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbackupRestoreProgressTest {

  @TempDir
  Path pgdata;

  private DirectorySize dataDir() {
    return new DirectorySize(new LocalCommandRunner(Redactor.NONE),
        System.getProperty("user.name"), pgdata.toString(), Duration.ofHours(1));
  }

  @Test
  void aFullRestoresBytesAreTheDataDirectoryGrowingTowardsTheBackupsSize() throws Exception {
    long backup = 8L << 20;
    try (DirectorySize dataDir = dataDir()) {
      ProbackupActivitiesImpl.RestoreProgress progress =
          new ProbackupActivitiesImpl.RestoreProgress(1, dataDir, backup);
      progress.onLine(OutputListener.Stream.STDERR,
          "INFO: Progress: (1/40). Restore file \"base/1/1249\"");
      Files.createDirectories(pgdata.resolve("base/1"));
      Files.write(pgdata.resolve("base/1/1249"), new byte[2 << 20]);
      dataDir.sample();
      ProbackupActivitiesImpl.RestoreHeartbeat first =
          (ProbackupActivitiesImpl.RestoreHeartbeat) progress.snapshot();
      assertTrue(first.bytesDone() >= 2 << 20 && first.bytesDone() < 3 << 20, first.toString());
      assertEquals(backup, first.bytesTotal());
      assertEquals(1, first.filesDone());

      Files.write(pgdata.resolve("base/1/1259"), new byte[4 << 20]);
      dataDir.sample();
      ProbackupActivitiesImpl.RestoreHeartbeat second =
          (ProbackupActivitiesImpl.RestoreHeartbeat) progress.snapshot();
      assertTrue(second.bytesDone() >= first.bytesDone() + (4 << 20), second.toString());

      Files.write(pgdata.resolve("base/1/2619"), new byte[4 << 20]);
      dataDir.sample();
      assertEquals(backup, ((ProbackupActivitiesImpl.RestoreHeartbeat) progress.snapshot())
          .bytesDone(), "never past the backup's size (the directory has its own overhead)");

      var payload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(progress.snapshot())
          .orElseThrow();
      @SuppressWarnings("unchecked")
      Map<String, Object> details = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload,
          Map.class, Map.class);
      assertEquals(backup, ((Number) details.get("bytesDone")).longValue());
      assertEquals(backup, ((Number) details.get("bytesTotal")).longValue());
    }
  }

  @Test
  void withoutTheBackupsSizeNoBytesAreClaimed() throws Exception {
    try (DirectorySize dataDir = dataDir()) {
      Files.write(pgdata.resolve("PG_VERSION"), new byte[100_000]);
      dataDir.sample();
      ProbackupActivitiesImpl.RestoreHeartbeat beat = (ProbackupActivitiesImpl.RestoreHeartbeat)
          new ProbackupActivitiesImpl.RestoreProgress(2, dataDir, 0).snapshot();
      assertEquals(0, beat.bytesDone(), "an incremental restore's directory is full already");
      assertEquals(0, beat.bytesTotal());
    }
  }
}
