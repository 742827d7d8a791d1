package dev.restoreflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.client.HostQueues;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.Catalog;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.RetentionRequest;
import dev.restoreflow.workflows.model.RetentionResult;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job model with faked activities on the time-skipping server: the workflow runs the steps the
 * engine's plan lists (pg_probackup and basebackup alike), backups are jobs in the same host
 * queue as restores, and each job enters its queue once.
 */
class JobModelWorkflowTest {

  private RestoreflowTestEnv env;

  @BeforeEach
  void setUp() {
    env = new RestoreflowTestEnv();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aBasebackupRestoreRunsFetchS3WhereAProbackupRestoreRunsProbackupRestore() {
    RestoreResult lake = env.run("bb1", RestoreRequest.of("lake"));
    assertEquals(JobState.SUCCEEDED, lake.state());
    assertEquals(List.of(Steps.PLAN, Steps.STOP, Steps.WIPE, BaseBackupActivities.FETCH_STEP,
        Steps.START, Steps.VERIFY), env.host("db1").steps());
    assertEquals(List.of(Steps.PLAN, Steps.STOP, Steps.WIPE, BaseBackupActivities.FETCH_STEP,
        Steps.START, Steps.PROMOTE, Steps.VERIFY), names(lake.steps()));
    assertEquals("stopped (immediate)", env.host("db1").calls(Steps.STOP).get(0).detail());

    RestoreResult main1 = env.run("pb1", RestoreRequest.of("main1"));
    assertEquals(JobState.SUCCEEDED, main1.state());
    assertEquals(List.of(Steps.PLAN, Steps.STOP, Steps.WIPE, ProbackupActivities.RESTORE_STEP,
        Steps.START, Steps.PROMOTE, Steps.VERIFY), names(main1.steps()));
  }

  @Test
  void anIncrementalRestoreKeepsTheDataDirectoryAndStopsTheClusterGently() {
    RestoreResult result = env.run("inc1", RestoreRequest.of("main1").withIncremental(true));
    assertEquals(List.of(Steps.PLAN, Steps.STOP, ProbackupActivities.RESTORE_STEP, Steps.START,
        Steps.VERIFY), env.host("db1").steps());
    StepProgress wipe = result.steps().stream().filter(s -> s.name().equals(Steps.WIPE))
        .findFirst().orElseThrow();
    assertEquals(StepStatus.SKIPPED, wipe.status());
    assertEquals(Steps.KEEPS_DATA, wipe.detail());
    assertEquals("stopped (fast)", env.host("db1").calls(Steps.STOP).get(0).detail());
  }

  @Test
  void anIncrementalRestoreOfAnEngineWithoutItIsRefusedBeforeAnyStep() {
    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> env.run("inc2", RestoreRequest.of("lake").withIncremental(true)));
    assertEquals(FailureType.NOT_SUPPORTED.name(), ((ApplicationFailure) failed.getCause())
        .getType());
    assertEquals(List.of(), env.host("db1").steps());
  }

  @Test
  void theJavaClientReportsARefusedRequestWithTheResolversType() {
    RequestRejectedException refused = assertThrows(RequestRejectedException.class,
        () -> env.restoreflow().submit(RestoreRequest.of("nosuch")));
    assertEquals(FailureType.UNKNOWN_INSTANCE, refused.type());
    assertEquals("unknown instance nosuch", refused.getMessage(),
        "the resolver's own message, as every other way in gives it");
    RequestRejectedException backup = assertThrows(RequestRejectedException.class,
        () -> env.restoreflow().submitBackup(BackupRequest.of("nosuch")));
    assertEquals(FailureType.UNKNOWN_INSTANCE, backup.type());
    assertEquals(List.of(), env.host("db1").steps());
  }

  @Test
  void aBackupJobPlansTakesAndVerifiesOnItsHost() {
    BackupResult result = env.startBackup("b1", BackupRequest.of("main1").withType("DELTA"))
        .getResult(BackupResult.class);
    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals("SNEW001", result.backupId());
    assertEquals("DELTA", result.type());
    assertEquals(List.of(Steps.PLAN_BACKUP, Steps.TAKE_BACKUP, Steps.VERIFY_BACKUP),
        env.host("db1").steps());
    assertEquals("verified SNEW001", env.host("db1").calls(Steps.VERIFY_BACKUP).get(0).detail());
    assertTrue(env.server().events().stream().anyMatch(e -> "backup".equals(e.kind())
        && e.state() == JobState.SUCCEEDED), "the ledger knows the backup job");
  }

  @Test
  void restoreBackupRestoreOnOneHostRunInThatOrderWithoutOverlapEachEnteringTheQueueOnce()
      throws Exception {
    // the host is held (by a job that never gives it back) while the three queue up
    env.client().newUntypedWorkflowStub("HoldForever", WorkflowOptions.newBuilder()
        .setWorkflowId("occupant").setTaskQueue(TaskQueues.SERVER).build()).start();
    HostQueues.enter(env.client(), "db1", new QueueEntry("occupant", "occupant", "main1", 0,
        null));
    // the queue has started and learnt the open jobs before r1 is one of them: otherwise it can
    // take r1 from the ledger, and r1's request finds it known and sends no signal
    RestoreflowTestEnv.awaitTrue(() -> env.queue("db1").running() != null, "occupant runs");
    env.start("r1", RestoreRequest.of("main1"));
    RestoreflowTestEnv.awaitTrue(() -> env.queue("db1").waiting().size() == 1, "r1 queued");
    env.startBackup("b1", BackupRequest.of("main1"));
    RestoreflowTestEnv.awaitTrue(() -> env.queue("db1").waiting().size() == 2, "b1 queued");
    env.start("r2", RestoreRequest.of("main1"));
    RestoreflowTestEnv.awaitTrue(() -> env.queue("db1").waiting().size() == 3, "r2 queued");
    assertEquals(List.of(QueueEntry.RESTORE, QueueEntry.BACKUP, QueueEntry.RESTORE),
        env.queue("db1").waiting().stream().map(QueueEntry::kind).toList(),
        "the queue shows each entry's kind");
    env.testEnvironment().sleep(Duration.ofMinutes(5));   // the waiting jobs ask again, twice
    env.client().newWorkflowStub(HostQueueWorkflow.class, TaskQueues.hostQueueWorkflowId("db1"))
        .release("occupant");
    env.result("r1");
    client(TaskQueues.backupWorkflowId("b1")).getResult(BackupResult.class);
    env.result("r2");

    List<FakeHost.Call> calls = env.host("db1").calls();
    List<String> jobsInOrder = calls.stream().map(FakeHost.Call::jobId).distinct().toList();
    assertEquals(List.of("r1", "b1", "r2"), jobsInOrder);
    for (String earlier : List.of("r1", "b1")) {
      String later = jobsInOrder.get(jobsInOrder.indexOf(earlier) + 1);
      long lastEnd = calls.stream().filter(c -> c.jobId().equals(earlier))
          .mapToLong(FakeHost.Call::endedNanos).max().orElseThrow();
      long firstStart = calls.stream().filter(c -> c.jobId().equals(later))
          .mapToLong(FakeHost.Call::startedNanos).min().orElseThrow();
      assertTrue(lastEnd <= firstStart, earlier + " ended before " + later + " began");
    }
    List<HistoryEvent> requests = env.client().fetchHistory(TaskQueues.hostQueueWorkflowId("db1"))
        .getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .filter(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName()
            .equals("request"))
        .toList();
    assertEquals(4, requests.size(), "the occupant and each job entered the queue once");
  }

  @Test
  void theCatalogListsEveryInstanceFromItsHost() {
    Catalog catalog = env.client().newWorkflowStub(CatalogWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("catalog-1").setTaskQueue(TaskQueues.SERVER)
            .build()).list(null);
    assertEquals(List.of("lake", "main1", "reports", "shop"), catalog.instances().stream()
        .map(i -> i.instance()).toList());
    assertEquals(List.of("SFULL01", "SDELTA02"), catalog.instances().get(1).backups().stream()
        .map(b -> b.id()).toList());
    assertEquals(List.of("SFULL01", "SDELTA02"), catalog.instances().get(1).backups().get(1)
        .chain());
  }

  @Test
  void aLogicalRestoreKeepsTheClusterUpAndAFailureLeavesItUntouched() {
    RestoreResult shop = env.run("lg1", RestoreRequest.of("shop"));
    assertEquals(JobState.SUCCEEDED, shop.state());
    assertEquals(List.of(Steps.PLAN, LogicalRestoreActivities.RESTORE_STEP, Steps.VERIFY),
        env.host("db1").steps());
    assertEquals("database restored, cluster running", env.progress("lg1").dataState());

    env.host("db1").onStep(LogicalRestoreActivities.RESTORE_STEP, input -> {
      throw ApplicationFailure.newNonRetryableFailure("dump damaged",
          FailureType.OBJECT_CORRUPT.name());
    });
    assertThrows(WorkflowFailedException.class, () -> env.run("lg2", RestoreRequest.of("shop")));
    assertTrue(env.progress("lg2").dataState().startsWith("untouched"),
        env.progress("lg2").dataState());
    assertFalse(env.host("db1").calls().stream().anyMatch(c -> c.jobId().equals("lg2")
        && (c.step().equals(Steps.START) || c.step().equals(Steps.STOP))),
        "a logical restore never stops or starts the cluster");
  }

  @Test
  void retentionIsAJobInTheHostsQueueAndADryRunDeletesNothing() throws Exception {
    var restoreflow = env.restoreflow();
    var dry = restoreflow.submitRetention(RetentionRequest.dryRun("main1"));
    RetentionResult planned = restoreflow.awaitRetention(dry.jobId(), Duration.ofMinutes(1));
    assertEquals(JobState.PLANNED, planned.state());
    assertEquals(List.of("SOLD00"), planned.report().toDelete());
    assertEquals(List.of(), planned.deleted());
    StepProgress apply = planned.steps().stream().filter(s -> s.name()
        .equals(Steps.APPLY_RETENTION)).findFirst().orElseThrow();
    assertEquals(StepStatus.SKIPPED, apply.status());
    assertTrue(env.host("db1").calls(Steps.APPLY_RETENTION).isEmpty());

    var applying = restoreflow.submitRetention(RetentionRequest.dryRun("main1")
        .withCounts(2, null, null, null).applying());
    RetentionResult applied = restoreflow.awaitRetention(applying.jobId(), Duration.ofMinutes(1));
    assertEquals(JobState.SUCCEEDED, applied.state());
    assertEquals(List.of("SOLD00"), applied.deleted());
    assertEquals("deleted [SOLD00]", env.host("db1").calls(Steps.APPLY_RETENTION).get(0).detail());
    assertTrue(env.host("db1").calls(Steps.PLAN_RETENTION).stream()
        .allMatch(c -> c.detail().equals("planned")));
    assertEquals(List.of(QueueEntry.RETENTION), env.server().events().stream()
        .filter(e -> e.jobId().equals(applying.jobId())).map(e -> e.kind()).distinct().toList());
  }

  /**
   * A retention schedule (a cron workflow on the test server) fires nightly; each firing is a
   * retention job of the real workflow in the host's queue that applies the policy.
   */
  @Test
  void aRetentionScheduleAppliesThePolicyAsARetentionJobAtEachFiring() {
    new dev.restoreflow.client.RestoreSchedules(env.client()).create("tidy",
        dev.restoreflow.client.ScheduleTiming.cron("0 4 * * *"), RetentionRequest.dryRun("main1"));
    env.testEnvironment().sleep(Duration.ofHours(25));
    List<dev.restoreflow.workflows.model.JobEvent> ended = env.server().events().stream()
        .filter(e -> e.jobId().startsWith("tidy-") && e.state() == JobState.SUCCEEDED).toList();
    assertFalse(ended.isEmpty(), "no retention job of the schedule: " + env.server().events());
    for (var job : ended) {
      assertTrue(job.jobId().endsWith("-040000"), job.jobId());
      assertEquals(TaskQueues.retentionWorkflowId(job.jobId()), job.workflowId());
      assertEquals(QueueEntry.RETENTION, job.kind());
      assertEquals("schedule", job.requestedVia());
    }
    assertEquals("deleted [SOLD00]", env.host("db1").calls(Steps.APPLY_RETENTION).get(0).detail(),
        "the firing applied the policy");
  }

  private io.temporal.client.WorkflowStub client(String workflowId) {
    return env.client().newUntypedWorkflowStub(workflowId);
  }

  private static List<String> names(List<StepProgress> steps) {
    return steps.stream().map(StepProgress::name).toList();
  }
}
