package dev.restoreflow.it;

import dev.restoreflow.workflows.activities.ProbackupActivities;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.client.RestoreSchedules;
import dev.restoreflow.client.ScheduleTiming;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.CanceledFailure;
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
 * hosts "local" (main1) and "b" (main2). What depends on the Temporal server (the host queues,
 * a cancel, Schedules) runs against both servers ({@link RestoreIT}: embedded, {@link
 * RestoreOnDevServerIT}: the temporal CLI's dev server), so the embedded one never hides a
 * difference; what only the engine and the steps decide runs once, in {@link RestoreIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
abstract class RestoreScenarios {

  static final Duration JOB_LIMIT = Duration.ofMinutes(3);

  ItSandbox main1;
  ItSandbox main2;
  ItTemporal temporal;
  String fullId;
  Map<String, String> atFull;
  /** The newest backup of main1 and its data, kept current by the tests that take backups. */
  Map<String, String> atNewest;

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

  RestoreResult restore(RestoreRequest request) throws Exception {
    Submission job = temporal.restoreflow.submit(request);
    return temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
  }

  static RestoreRequest main1() {
    return RestoreRequest.of("main1").withHost("local").withRequestedVia("api", "RestoreIT");
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
   * (its cron has minutes as the finest unit: the test moves the server's clock to the next one).
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
      // its first run is at the server's next whole minute: moved to, not waited for
      EmbeddedClock.skipToNextMinute(temporal.server.target());
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
