package dev.restoreflow.it;

import dev.restoreflow.workflows.activities.ProbackupActivities;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.cluster.DataWiper;
import dev.restoreflow.activities.cluster.WipeRefusedException;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.client.RestoreSchedules;
import dev.restoreflow.client.ScheduleTiming;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.CanceledFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Restores of real PostgreSQL clusters through the workflow, with in-process host workers for
 * hosts "local" (main1) and "b" (main2). Run against both Temporal servers ({@link RestoreIT}:
 * embedded, {@link RestoreOnDevServerIT}: the temporal CLI's dev server), so the embedded one
 * never hides a difference.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
abstract class RestoreScenarios {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(3);

  private ItSandbox main1;
  private ItSandbox main2;
  private ItTemporal temporal;
  private String fullId;
  private Map<String, String> atFull;
  /** The newest backup of main1 and its data, kept current by the tests that take backups. */
  private Map<String, String> atNewest;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    main2 = ItSandbox.create("main2", "b");
    main1.sandbox.loadDemoData(5_000);
    main2.sandbox.loadDemoData(2_000);
    fullId = main1.sandbox.backup("FULL");
    atFull = main1.sandbox.fingerprint();
    atNewest = atFull;
    main2.sandbox.backup("FULL");
    Path ledger = main1.stateDir().resolve("ledger.db");
    ItServer server = startServer(main1.stateDir().resolve("temporal"));
    temporal = ItTemporal.start(server, ItSandbox.config(server.target(), ledger, main1, main2),
        List.of("local", "b"));
  }

  abstract ItServer startServer(Path stateDir) throws Exception;

  @AfterAll
  void tearDown() throws Exception {
    if (temporal != null) {
      temporal.close();
    }
    for (ItSandbox s : new ItSandbox[] {main1, main2}) {
      if (s != null) {
        s.close();
      }
    }
  }

  private RestoreResult restore(RestoreRequest request) throws Exception {
    Submission job = temporal.restoreflow.submit(request);
    return temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
  }

  private static RestoreRequest main1() {
    return RestoreRequest.of("main1").withHost("local").withRequestedVia("api", "RestoreIT");
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

  @Test
  @Order(5)
  void jobsOnOneHostRunOneAtATimeInSubmissionOrderWhileAnotherHostRunsAlongside() throws Exception {
    main1.throttleRestores(3);
    main2.throttleRestores(6);
    try {
      List<Submission> onLocal = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        onLocal.add(temporal.restoreflow.submit(main1()));
      }
      Submission onB = temporal.restoreflow.submit(
          RestoreRequest.of("main2").withHost("b").withRequestedVia("api", "RestoreIT"));
      assertEquals(List.of(0, 1, 2), onLocal.stream().map(Submission::queuePosition).toList(),
          "queue positions in submission order");
      assertEquals(0, onB.queuePosition(), "another host has its own queue");

      List<long[]> intervals = new ArrayList<>();
      for (Submission job : onLocal) {
        intervals.add(JobIntervals.of(temporal.restoreflow.await(job.jobId(), JOB_LIMIT)));
      }
      long[] b = JobIntervals.of(temporal.restoreflow.await(onB.jobId(), JOB_LIMIT));
      for (int i = 1; i < intervals.size(); i++) {
        assertTrue(intervals.get(i - 1)[1] <= intervals.get(i)[0], "job " + (i - 1)
            + " ended before job " + i + " started: " + show(intervals));
      }
      long localStart = intervals.get(0)[0];
      long localEnd = intervals.get(intervals.size() - 1)[1];
      assertTrue(b[0] < localEnd && b[1] > localStart, "host b ran alongside host local: b="
          + b[0] + ".." + b[1] + " local=" + show(intervals));
    } finally {
      main1.throttleRestores(0);
      main2.throttleRestores(0);
    }
  }

  @Test
  @Order(6)
  void progressQueryNamesTheCurrentStepAndCancelLeavesTheDocumentedState() throws Exception {
    Map<String, String> newest = restoreAndFingerprint();
    main1.throttleRestores(40);
    Submission job;
    try {
      job = temporal.restoreflow.submit(main1());
      RestoreProgress progress = JobWaits.awaitStep(temporal.restoreflow, job.jobId(), ProbackupActivities.RESTORE_STEP);
      assertEquals(JobState.RUNNING, progress.state());
      assertEquals(ProbackupActivities.RESTORE_STEP, progress.currentStep());
      assertEquals(StepStatus.DONE, progress.steps().get(1).status(), "StopCluster done");
      temporal.restoreflow.cancel(job.jobId());
      WorkflowFailedException failure = assertThrows(WorkflowFailedException.class,
          () -> temporal.restoreflow.await(job.jobId(), JOB_LIMIT));
      assertTrue(Failures.hasCause(failure, CanceledFailure.class), failure.toString());
    } finally {
      main1.throttleRestores(0);
    }
    RestoreProgress after = temporal.restoreflow.progress(job.jobId());
    assertEquals(JobState.CANCELLED, after.state(), after + " / " + temporal.ledger.job(job.jobId()));
    assertTrue(after.dataState().startsWith("partly restored"), after.dataState());
    assertNotEquals(ClusterState.RUNNING, main1.sandbox.cluster().state(),
        "a cancelled restore leaves the cluster stopped (its data directory is incomplete)");
    assertEquals("CANCELLED", temporal.ledger.job(job.jobId()).orElseThrow().status());

    RestoreResult again = restore(main1());
    assertEquals(JobState.SUCCEEDED, again.state(), "running the restore again recovers");
    assertEquals(newest, main1.sandbox.fingerprint());
  }

  /**
   * A nightly restore drill made through restoreflow: a Temporal Schedule on the real server
   * (fired every 10 s here instead of nightly), a cron workflow on the embedded one, which says so
   * (its cron has minutes as the finest unit, so the drill fires within a minute).
   */
  @Test
  @Order(7)
  void aScheduledRestoreDrillFires() throws Exception {
    main1.sandbox.sql("delete from transfers");
    assertNotEquals(atNewest, main1.sandbox.fingerprint());
    RestoreSchedules schedules = new RestoreSchedules(temporal.client);
    RestoreRequest drill = RestoreRequest.of("main1");
    RestoreSchedules.Created created;
    try {
      created = schedules.create("drill", ScheduleTiming.every("10s"), drill);
      assertEquals(RestoreSchedules.Kind.TEMPORAL_SCHEDULE, created.kind());
      assertEquals("restoreflow-drill", created.id());
      awaitTrue(() -> schedules.list().contains("drill"), "the server lists the schedule");
    } catch (IllegalArgumentException noSchedules) {
      assertTrue(noSchedules.getMessage().contains("no Schedules"), noSchedules.getMessage());
      created = schedules.create("drill", ScheduleTiming.cron("* * * * *"), drill);
      assertEquals(RestoreSchedules.Kind.CRON_WORKFLOW, created.kind());
      assertTrue(created.note().contains("no Schedules"), created.note());
    }
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
      while (drills("SUCCEEDED").isEmpty()) {
        assertTrue(System.nanoTime() < deadline,
            "no drill ran within 150 s on the " + temporal.server.kind() + ": " + drills(null));
        Thread.sleep(500);
      }
    } finally {
      assertEquals(created.kind(), schedules.delete("drill"));
    }
    awaitTrue(() -> drills(null).stream().allMatch(job -> job.finishedAt() > 0),
        "a drill that started before the delete ends");
    assertTrue(drills(null).stream().allMatch(job -> "SUCCEEDED".equals(job.status())),
        drills(null).toString());
    assertEquals(atNewest, main1.sandbox.fingerprint(), "the drill restored the newest backup");
  }

  private List<JobRow> drills(String status) {
    return temporal.ledger.jobs("main1", status, 100).stream()
        .filter(job -> job.jobId().startsWith("drill-") && "schedule".equals(job.requestedVia()))
        .toList();
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      Thread.sleep(200);
    }
  }

  private Map<String, String> restoreAndFingerprint() throws Exception {
    restore(main1());
    return main1.sandbox.fingerprint();
  }

  private static String show(List<long[]> intervals) {
    return intervals.stream().map(i -> i[0] + ".." + i[1]).toList().toString();
  }
}
