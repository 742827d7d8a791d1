package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A throttled FULL pg_probackup backup followed in bytes (issue 19): pg_probackup prints no byte
 * figures, so TakeBackup's heartbeat carries its backup directory's growth in the catalog
 * ({@code du}, every 5 s) as {@code bytesDone} against the data directory's data (without
 * pg_wal) as {@code bytesTotal} — read here from the pending activity as the CLI reads it.
 */
class ProbackupBackupBytesIT {

  /** How long the throttled backup takes: several of the backup directory's measurements. */
  private static final long BACKUP_SECONDS = 25;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aFullBackupsHeartbeatSaysItsDirectoryGrowingTowardsTheDataSize() throws Exception {
    try (ItSandbox main1 = ItSandbox.create("main1", "local")) {
      main1.sandbox.loadDemoData(5_000);
      long data = Long.parseLong(main1.sandbox.sql(
          "select sum(pg_database_size(datname)) from pg_database").trim());
      main1.throttleBackups((int) Math.max(32, data / 1024 / BACKUP_SECONDS));

      ItServer server = ItTemporal.startServer();
      RestoreflowConfig config = ItSandbox.config(server.target(),
          main1.stateDir().resolve("ledger.db"), main1);
      Path configFile = RestoreflowProcess.writeConfig(config,
          main1.stateDir().resolve("config.json"));
      try (ItTemporal temporal = ItTemporal.start(server, config, List.of());
          RestoreflowProcess worker = RestoreflowProcess.worker(configFile, "local",
              main1.stateDir().resolve("worker-process.log"))) {
        Submission job = temporal.restoreflow.submitBackup(BackupRequest.of("main1")
            .withType("FULL"));
        List<long[]> seen = temporal.heartbeatBytesUntilEnd(job, Steps.TAKE_BACKUP, Duration.ofMinutes(2),
            Duration.ofMillis(500));
        BackupResult backup = temporal.restoreflow.awaitBackup(job.jobId(), Duration.ofMinutes(1));
        assertEquals(JobState.SUCCEEDED, backup.state(), backup.message());

        String figures = seen.stream().map(b -> b[0] + "/" + b[1]).toList().toString();
        List<long[]> growing = seen.stream().filter(b -> b[0] > 0 && b[1] > 0).toList();
        assertTrue(growing.size() >= 2, "the backup directory measured growing against the"
            + " data's size while the backup ran: " + figures);
        long total = growing.get(0)[1];
        assertTrue(total > data / 2 && total < data * 2, "about the cluster's " + data
            + " bytes of databases: " + figures);
        for (int i = 0; i < growing.size(); i++) {
          assertTrue(growing.get(i)[0] <= growing.get(i)[1], figures);
          assertTrue(i == 0 || growing.get(i)[0] > growing.get(i - 1)[0], "bytes only go up: "
              + figures);
        }
        String detail = backup.steps().stream().filter(s -> s.name().equals(Steps.TAKE_BACKUP))
            .findFirst().orElseThrow().detail();
        assertTrue(detail.matches("FULL backup \\w+: \\d+\\.\\d (KiB|MiB|GiB) \\([\\d,]+ bytes\\)"
            + " of data, status OK"), detail);
      }
    }
  }
}
