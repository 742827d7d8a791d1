package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.cluster.DataWiper;
import dev.restoreflow.activities.cluster.WipeRefusedException;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.client.WorkflowFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The restore scenarios on the embedded Temporal server, and the ones that only the engine and
 * the steps decide (the data restored, a failed plan, an incremental restore, WipeData's refusals).
 */
class RestoreIT extends RestoreScenarios {

  @Override
  ItServer startServer(Path stateDir) {
    return ItServer.embedded();
  }

  @Test
  @Order(1)
  void restoreOfNewestBackupBringsBackExactlyTheBackedUpData() throws Exception {
    main1.sandbox.sql("update accounts set balance = balance * 2 where id <= 100;"
        + " insert into transfers (from_id, to_id, amount) values (1, 2, 3.50)");
    String deltaId = main1.sandbox.backup("DELTA");
    Map<String, String> atDelta = main1.sandbox.fingerprint();
    assertNotEquals(atFull, atDelta);
    atNewest = atDelta;

    main1.sandbox.sql("delete from accounts where id % 2 = 0; drop table transfers");
    assertNotEquals(atDelta, main1.sandbox.fingerprint());

    RestoreResult newest = restore(main1());
    assertEquals(JobState.SUCCEEDED, newest.state());
    assertEquals(deltaId, newest.backupId());
    assertEquals(atDelta, main1.sandbox.fingerprint(), "newest backup restored exactly");
    assertEquals("off", main1.sandbox.sql("show archive_mode"), "restores switch archiving off");
    assertEquals("f", main1.sandbox.sql("select pg_is_in_recovery()"));
    for (StepProgress step : newest.steps()) {
      assertEquals(StepStatus.DONE, step.status(), step.toString());
      assertTrue(step.startedAtMillis() > 0 && step.endedAtMillis() >= step.startedAtMillis());
    }

    RestoreResult full = restore(main1().withBackupId(fullId.toLowerCase()));
    assertEquals(fullId, full.backupId());
    assertEquals(atFull, main1.sandbox.fingerprint(), "the given backup id restores that backup");
  }

  @Test
  @Order(2)
  void unknownBackupIdFailsInPlanRestoreAndLeavesTheClusterRunning() throws Exception {
    main1.sandbox.sql("create table if not exists marker (note text); insert into marker values ('untouched')");
    Map<String, String> before = main1.sandbox.fingerprint();
    Submission job = temporal.restoreflow.submit(main1().withBackupId("ZZZZZZ"));
    WorkflowFailedException failure = assertThrows(WorkflowFailedException.class,
        () -> temporal.restoreflow.await(job.jobId(), JOB_LIMIT));
    assertEquals("BACKUP_NOT_FOUND", Failures.typeOf(failure).orElse(null), failure.toString());
    assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(), Steps.PLAN),
        "a permanent failure is not retried");
    assertEquals(0, Histories.scheduled(temporal.client, job.workflowId(), Steps.STOP));
    assertEquals(ClusterState.RUNNING, main1.sandbox.cluster().state());
    assertEquals(before, main1.sandbox.fingerprint());
    RestoreProgress progress = temporal.restoreflow.progress(job.jobId());
    assertEquals(JobState.FAILED, progress.state());
    assertEquals(StepStatus.FAILED, progress.steps().get(0).status());
    assertTrue(progress.dataState().startsWith("untouched"), progress.dataState());
    assertEquals("FAILED", temporal.ledger.job(job.jobId()).orElseThrow().status());
    main1.sandbox.sql("drop table marker");
  }

  @Test
  @Order(3)
  void incrementalRestorePassesChecksumModeAndSkipsWipeData() throws Exception {
    RestoreResult baseline = restore(main1());
    Map<String, String> newest = main1.sandbox.fingerprint();
    main1.sandbox.sql("update accounts set owner = 'changed' where id < 50; delete from transfers where id < 10");
    assertNotEquals(newest, main1.sandbox.fingerprint());

    RestoreResult result = restore(main1().withIncremental(true));
    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals(newest, main1.sandbox.fingerprint());
    StepProgress wipe = result.steps().stream().filter(s -> s.name().equals(Steps.WIPE))
        .findFirst().orElseThrow();
    assertEquals(StepStatus.SKIPPED, wipe.status());
    List<String> invocations = main1.recordedInvocations();
    String lastRestore = invocations.stream().filter(l -> l.startsWith("restore ")).reduce((a, b) -> b)
        .orElseThrow();
    assertTrue(lastRestore.contains("-I CHECKSUM"), lastRestore);
    assertEquals(baseline.backupId(), result.backupId());
    assertEquals(0, Histories.scheduled(temporal.client, "restore-" + result.jobId(), Steps.WIPE));
  }

  @Test
  @Order(4)
  void wipeDataRefusesAnyOtherPathAndARunningCluster() {
    var instance = main1.instance;
    DataWiper wiper = new DataWiper(new LocalCommandRunner(Redactor.NONE), instance,
        main1.sandbox.cluster());
    for (String other : List.of(main1.stateDir().toString(), "/", "/var/tmp",
        instance.pgdata() + "/..", instance.pgdata() + "/base", main2.instance.pgdata())) {
      WipeRefusedException e = assertThrows(WipeRefusedException.class, () -> wiper.wipe(other, ItSandbox::neverMarked));
      assertTrue(e.getMessage().contains("configured"), e.getMessage());
    }
    assertEquals(ClusterState.RUNNING, main1.sandbox.cluster().state());
    WipeRefusedException running = assertThrows(WipeRefusedException.class,
        () -> wiper.wipe(instance.pgdata(), ItSandbox::neverMarked));
    assertTrue(running.getMessage().contains("running"), running.getMessage());
    assertTrue(Files.exists(Path.of(instance.pgdata(), "PG_VERSION")));
    assertTrue(Files.exists(Path.of(main2.instance.pgdata(), "PG_VERSION")));
  }
}
