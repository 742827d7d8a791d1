package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.pgbackrest.PgBackRestConfig;
import dev.restoreflow.activities.pgbackrest.PgBackRestEngine;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pgbackrest engine on a database host reached over SSH (a real OpenSSH sshd on 127.0.0.1):
 * pgBackRest runs there, as for pg_probackup, for the backup job and the delta restore.
 */
class PgBackRestSshIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(3);

  @Test
  @Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
  void aBackupJobAndADeltaRestoreRunPgBackRestOnTheSshHost() throws Exception {
    try (ItSandbox main1 = ItSandbox.create("main1", "db");
        SshServer sshd = SshServer.start(main1.stateDir(), main1.instance.osUser())) {
      main1.sandbox.loadDemoData(1_000);
      Path state = main1.stateDir();
      UserPrincipal owner = Files.getOwner(Path.of(main1.instance.pgdata()));
      Path pgbr = state.resolve("pgbackrest");
      for (String dir : List.of("repo", "log", "lock", "spool")) {
        // apart: a restore empties <spool-path>/archive/<stanza>, which in the repository is its WAL
        Files.createDirectories(pgbr.resolve(dir));
        Files.setOwner(pgbr.resolve(dir), owner);
      }
      Path conf = pgbr.resolve("pgbackrest.conf");
      Files.writeString(conf, "[global]\nrepo1-path=" + pgbr.resolve("repo") + "\nlog-path="
          + pgbr.resolve("log") + "\nlock-path=" + pgbr.resolve("lock") + "\nspool-path="
          + pgbr.resolve("spool") + "\nrepo1-retention-full=10\n\n"
          + "[main1]\npg1-path=" + main1.instance.pgdata() + "\npg1-port=" + main1.instance.port()
          + "\npg1-socket-path=" + state.resolve("run") + "\n");
      Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
      main1.sandbox.sql("alter system set archive_command = 'pgbackrest --config=" + conf
          + " --stanza=main1 archive-push %p'");
      main1.sandbox.sql("select pg_reload_conf()");
      InstanceConfig instance = CheckedSettings.checked("main1", main1.instance
          .withEngine(PgBackRestEngine.NAME).withSettings(new PgBackRestConfig(null, null,
              null, conf.toString(), null, null, state.resolve("run").toString())));

      ItServer server = ItTemporal.startServer();
      RestoreflowConfig config = new RestoreflowConfig(new TemporalConfig(server.target(),
          "default"), state.resolve("ledger.db").toString(), state.resolve("Logs").toString(),
          Map.<String, HostConfig>of("db", sshd.host()), Map.of("main1", instance), null);
      try (ItTemporal temporal = ItTemporal.start(server, config, List.of("db"))) {
        BackupResult backup = temporal.restoreflow.awaitBackup(temporal.restoreflow
            .submitBackup(BackupRequest.of("main1").withType("full")).jobId(), JOB_LIMIT);
        assertEquals(JobState.SUCCEEDED, backup.state(), backup.message());
        assertTrue(backup.backupId().endsWith("F"), backup.backupId());
        Map<String, String> atBackup = main1.sandbox.fingerprint();
        main1.sandbox.sql("delete from accounts where id % 3 = 0; drop table transfers");

        RestoreResult restored = temporal.restoreflow.await(temporal.restoreflow.submit(
            RestoreRequest.of("main1").withHost("db").withIncremental(true)).jobId(), JOB_LIMIT);
        assertEquals(JobState.SUCCEEDED, restored.state());
        assertEquals(backup.backupId(), restored.backupId());
        assertEquals(atBackup, main1.sandbox.fingerprint());
        assertEquals("f", main1.sandbox.sql("select pg_is_in_recovery()").trim(), "promoted");
        assertEquals("off", main1.sandbox.sql("show archive_mode").trim());
      }
    }
  }
}
