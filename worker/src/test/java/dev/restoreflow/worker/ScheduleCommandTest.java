package dev.restoreflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.client.RestoreSchedules;
import dev.restoreflow.worker.temporal.EmbeddedTemporalServer;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.charset.StandardCharsets;
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
    assertEquals("restoreflow: --backup-id and --target-* are for restore and drill schedules",
        result.err().strip());
  }

  @Test
  void retentionCountsAreForRetentionSchedulesAndBackupOptionsAreNot(@TempDir Path dir)
      throws Exception {
    Path config = Files.writeString(dir.resolve("config.json"), CONFIG);
    InProcessCli.Result counts = InProcessCli.run("schedule", "create", "--config",
        config.toString(), "--name", "nightly", "--kind", "backup", "--instance", "main1",
        "--cron", "0 4 * * *", "--full", "1");
    assertEquals(2, counts.exitCode(), counts.err());
    assertEquals("restoreflow: --daily, --weekly, --monthly and --full are for retention"
        + " schedules (--kind retention)", counts.err().strip());
    InProcessCli.Result type = InProcessCli.run("schedule", "create", "--config",
        config.toString(), "--name", "tidy", "--kind", "retention", "--instance", "main1",
        "--cron", "0 4 * * *", "--type", "FULL");
    assertEquals(2, type.exitCode(), type.err());
    assertEquals("restoreflow: --type is for backup schedules (--kind backup)",
        type.err().strip());
    InProcessCli.Result negative = InProcessCli.run("schedule", "create", "--config",
        config.toString(), "--name", "tidy", "--kind", "retention", "--instance", "main1",
        "--cron", "0 4 * * *", "--daily", "-1");
    assertEquals(2, negative.exitCode(), negative.err());
    assertEquals("restoreflow: retention daily must be between 0 and 10000 (got -1)",
        negative.err().strip());
    InProcessCli.Result kind = InProcessCli.run("schedule", "create", "--config",
        config.toString(), "--name", "tidy", "--kind", "prune", "--instance", "main1",
        "--cron", "0 4 * * *");
    assertEquals(2, kind.exitCode(), kind.err());
    assertEquals("restoreflow: --kind must be restore, drill, backup or retention, not 'prune'",
        kind.err().strip());
  }

  /**
   * On the embedded server (no Schedules) a retention schedule is the cron workflow
   * scheduled-NAME of ScheduledRetentionWorkflow, whose input applies the given counts.
   */
  @Test
  void aRetentionScheduleIsACronWorkflowThatAppliesTheGivenCounts(@TempDir Path dir)
      throws Exception {
    try (EmbeddedTemporalServer server = EmbeddedTemporalServer.start(0)) {
      Path config = Files.writeString(dir.resolve("config.json"),
          CONFIG.replace("127.0.0.1:1", server.target()));
      InProcessCli.Result created = InProcessCli.run("schedule", "create", "--config",
          config.toString(), "--name", "tidy", "--kind", "retention", "--instance", "main1",
          "--cron", "0 4 * * 0", "--daily", "1", "--full", "2");
      assertEquals(0, created.exitCode(), created.err());
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(server.target()).build());
      try {
        WorkflowClient client = WorkflowClient.newInstance(service);
        HistoryEvent started = client.fetchHistory(RestoreSchedules.cronWorkflowId("tidy"))
            .getEvents().get(0);
        assertEquals(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, started.getEventType());
        var attributes = started.getWorkflowExecutionStartedEventAttributes();
        assertEquals("ScheduledRetentionWorkflow", attributes.getWorkflowType().getName());
        assertEquals("0 4 * * 0", attributes.getCronSchedule());
        String input = attributes.getInput().getPayloads(0).getData()
            .toString(StandardCharsets.UTF_8);
        assertTrue(input.contains("\"schedule\":\"tidy\""), input);
        assertTrue(input.contains("\"instance\":\"main1\",\"daily\":1,\"full\":2,"
            + "\"apply\":true"), input);
      } finally {
        service.shutdownNow();
      }
      InProcessCli.Result deleted = InProcessCli.run("schedule", "delete", "--config",
          config.toString(), "--name", "tidy");
      assertEquals(0, deleted.exitCode(), deleted.err());
    }
  }
}
