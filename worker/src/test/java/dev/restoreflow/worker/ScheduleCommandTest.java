package dev.restoreflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `restoreflow schedule create` checks the request against the config before it asks Temporal:
 * the same refusal as `restore` gives, whether a server runs or not.
 */
class ScheduleCommandTest {

  // port 1: nothing listens there, so a command that got as far as Temporal would fail apart
  private static final String CONFIG = """
      {"temporal": {"target": "127.0.0.1:1"},
       "hosts": {"S-DB1": {"kind": "local"}},
       "instances": {"main1": {"host": "S-DB1", "pgdata": "/var/lib/postgresql/15/main",
                               "probackup": {"catalog": "/mnt/backups"}}}}
      """;

  @Test
  void aBadBackupIdOrTargetOfADrillIsRefusedBeforeTemporalIsAsked(@TempDir Path dir)
      throws Exception {
    Path config = Files.writeString(dir.resolve("config.json"), CONFIG);
    InProcessCli.Result badId = InProcessCli.run("schedule", "create", "--config",
        config.toString(), "--name", "drill", "--instance", "main1", "--cron", "0 4 * * *",
        "--backup-id", "SSCOA");
    assertEquals(2, badId.exitCode(), badId.err());
    assertEquals("restoreflow: BAD_BACKUP_ID: instance 'main1' (engine probackup): 'SSCOA' is"
        + " not a pg_probackup backup id (six characters of 0-9 and A-Z, e.g. SCUN1Q)",
        badId.err().strip());
    InProcessCli.Result badTarget = InProcessCli.run("schedule", "create", "--config",
        config.toString(), "--name", "pitr", "--instance", "main1", "--cron", "0 4 * * *",
        "--target-lsn", "3000060");
    assertEquals(2, badTarget.exitCode(), badTarget.err());
    assertEquals("restoreflow: BAD_RECOVERY_TARGET: recovery target lsn '3000060' is not an"
        + " LSN, e.g. 0/3000060", badTarget.err().strip());
  }

  @Test
  void aBackupScheduleTakesNoRecoveryTarget(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("config.json"), CONFIG);
    InProcessCli.Result result = InProcessCli.run("schedule", "create", "--config",
        config.toString(), "--name", "nightly", "--kind", "backup", "--instance", "main1",
        "--cron", "0 4 * * *", "--target-name", "nightly");
    assertEquals(2, result.exitCode(), result.err());
    assertEquals("restoreflow: --backup-id and --target-* are for restore schedules",
        result.err().strip());
  }
}
