package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.pgbackrest.PgBackRestConfig;
import dev.restoreflow.activities.pgbackrest.PgBackRestEngine;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.JobState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pgBackRest backup (2.45, which has no progress of its own) followed in bytes (issue 19):
 * TakeBackup reads pgBackRest's per-file lines ({@code --log-level-console=detail}) and its
 * heartbeat carries {@code bytesDone} of {@code bytesTotal} — read here from the pending activity
 * as the CLI reads it, rising while the backup runs and ending at its total. The backup is made
 * slow by a wrapper that reads pgBackRest's output a line at a time with a pause: once the pipe
 * is full, pgBackRest itself waits for each line to be read.
 */
class PgBackRestBackupBytesIT {

  private static final String PGBACKREST = "/usr/bin/pgbackrest";
  /** Between two lines of a backup's output: about 20 s for a new cluster's ~1,000 files. */
  private static final String PAUSE = "0.02";

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aFullBackupsHeartbeatSaysItsBytesRisingToTheirTotal() throws Exception {
    try (ItSandbox main1 = ItSandbox.create("main1", "local")) {
      main1.sandbox.loadDemoData(2_000);
      Path state = main1.stateDir();
      UserPrincipal owner = Files.getOwner(Path.of(main1.instance.pgdata()));
      Path pgbr = state.resolve("pgbackrest");
      for (String dir : List.of("repo", "log", "lock", "spool")) {
        Files.createDirectories(pgbr.resolve(dir));
        Files.setOwner(pgbr.resolve(dir), owner);
      }
      Path conf = pgbr.resolve("pgbackrest.conf");
      Files.writeString(conf, "[global]\nrepo1-path=" + pgbr.resolve("repo") + "\nlog-path="
          + pgbr.resolve("log") + "\nlock-path=" + pgbr.resolve("lock") + "\nspool-path="
          + pgbr.resolve("spool") + "\n\n[main1]\npg1-path=" + main1.instance.pgdata()
          + "\npg1-port=" + main1.instance.port() + "\npg1-socket-path=" + state.resolve("run")
          + "\n");
      Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
      Path wrapper = slowBackupWrapper(state.resolve("bin").resolve("pgbackrest-slow"));
      InstanceConfig instance = CheckedSettings.checked("main1", main1.instance
          .withEngine(PgBackRestEngine.NAME).withSettings(new PgBackRestConfig(wrapper.toString(),
              null, null, conf.toString(), 1, "lz4", state.resolve("run").toString())));
      main1.sandbox.sql("alter system set archive_command = '" + PGBACKREST + " --config=" + conf
          + " --stanza=main1 archive-push %p'");
      main1.sandbox.sql("select pg_reload_conf()");

      ItServer server = ItTemporal.startServer();
      RestoreflowConfig config = BaseBackups.config(main1, instance, server.target());
      Path configFile = BaseBackups.writeConfig(main1, config);
      Files.setPosixFilePermissions(configFile, PosixFilePermissions.fromString("rw-r--r--"));
      try (ItTemporal temporal = ItTemporal.start(server, config, List.of());
          RestoreflowProcess worker = RestoreflowProcess.worker(configFile, "local",
              state.resolve("worker-process.log"))) {
        Submission job = temporal.restoreflow.submitBackup(BackupRequest.of("main1")
            .withType("full"));
        List<long[]> seen = temporal.heartbeatBytesUntilEnd(job, Steps.TAKE_BACKUP, Duration.ofMinutes(2),
            Duration.ofMillis(300));
        BackupResult backup = temporal.restoreflow.awaitBackup(job.jobId(), Duration.ofMinutes(1));
        assertEquals(JobState.SUCCEEDED, backup.state(), backup.message());

        String figures = seen.stream().map(b -> b[0] + "/" + b[1]).toList().toString();
        List<long[]> known = seen.stream().filter(b -> b[1] > 0).toList();
        assertTrue(known.size() >= 3, "bytes of a known total, seen moving while the backup ran: "
            + figures);
        for (long[] b : known) {
          assertTrue(b[0] <= b[1], "never past the total: " + figures);
        }
        for (int i = 1; i < known.size(); i++) {
          assertTrue(known.get(i)[0] > known.get(i - 1)[0], "bytes only go up: " + figures);
        }
        long[] first = known.get(0);
        long[] last = known.get(known.size() - 1);
        assertTrue(last[0] * 100 / last[1] > first[0] * 100 / first[1],
            "the percent rises: " + figures);
        long dataDir = Long.parseLong(main1.sandbox.sql(
            "select sum(pg_database_size(datname)) from pg_database").trim());
        assertTrue(last[1] > dataDir / 2 && last[1] < dataDir * 2, "a full backup's total is"
            + " about the cluster's size (" + dataDir + " bytes of databases): " + figures);

        String detail = backup.steps().stream().filter(s -> s.name().equals(Steps.TAKE_BACKUP))
            .findFirst().orElseThrow().detail();
        assertTrue(detail.matches("full backup \\S+F: \\d+\\.\\d (KiB|MiB|GiB) \\([\\d,]+ bytes\\)"
            + " copied of \\d+\\.\\d (KiB|MiB|GiB), .*"), detail);
      }
    }
  }

  /** pgbackrest, whose backups' output is read a line at a time with a pause. */
  private static Path slowBackupWrapper(Path wrapper) throws Exception {
    Files.createDirectories(wrapper.getParent());
    Files.writeString(wrapper, """
        #!/usr/bin/env bash
        for a in "$@"; do
          if [ "$a" = backup ]; then
            '%1$s' "$@" | while IFS= read -r line; do printf '%%s\\n' "$line"; sleep %2$s; done
            exit "${PIPESTATUS[0]}"
          fi
        done
        exec '%1$s' "$@"
        """.formatted(PGBACKREST, PAUSE));
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    return wrapper;
  }
}
