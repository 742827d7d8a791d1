package dev.restoreflow.workflows;

import dev.restoreflow.workflows.activities.ProbackupActivities;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.client.RestoreSchedules;
import dev.restoreflow.client.ScheduleTiming;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowFailedException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RestoreWorkflow and HostQueueWorkflow with faked activities on the time-skipping server. */
class RestoreWorkflowTest {

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
  void restoreRunsAllStepsInOrderAndSucceeds() {
    RestoreResult result = env.run("j1", RestoreRequest.of("main1").withHost("db1")
        .withIncremental(false));
    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals(FakeHost.NEWEST_BACKUP, result.backupId());
    assertEquals(List.of(Steps.PLAN, Steps.STOP, Steps.WIPE, ProbackupActivities.RESTORE_STEP, Steps.START,
        Steps.VERIFY), env.host("db1").steps());
    assertEquals("stopped (immediate)", env.host("db1").calls(Steps.STOP).get(0).detail(),
        "the data is about to be wiped, so no fast shutdown");
    for (StepProgress step : result.steps()) {
      boolean promote = step.name().equals(Steps.PROMOTE);
      assertEquals(promote ? StepStatus.SKIPPED : StepStatus.DONE, step.status(), step.toString());
    }
    assertEquals(JobState.SUCCEEDED, env.server().events().get(env.server().events().size() - 1).state());
  }

  @Test
  void everyJobCarriesItsSearchAttributes() {
    env.run("j1", RestoreRequest.of("main1").withRequestedVia("nc", "10.0.0.7"));
    assertEquals(Map.of("JobId", "j1", "DbInstance", "main1", "DbHost", "db1",
        "Engine", "probackup", "RequestedVia", "nc"), searchAttributes("j1"));
    env.run("j2", RestoreRequest.of("main1"));
    assertEquals("temporal", searchAttributes("j2").get("RequestedVia"),
        "a job started from the Temporal UI or CLI says so");
  }

  @Test
  void aJobThatFailsToResolveIsStillFoundByItsJobIdAndCappedValues() {
    String longName = "x".repeat(5000);
    assertThrows(WorkflowFailedException.class, () -> env.run("j3", RestoreRequest.of(longName)));
    Map<String, String> attributes = searchAttributes("j3");
    assertEquals("j3", attributes.get("JobId"));
    assertEquals(200, attributes.get("DbInstance").length(), "user input is capped");
    assertFalse(attributes.containsKey("DbHost"));
  }

  private Map<String, String> searchAttributes(String jobId) {
    Map<String, String> values = new TreeMap<>();
    var response = env.client().getWorkflowServiceStubs().blockingStub()
        .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(env.client().getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder()
                .setWorkflowId(TaskQueues.restoreWorkflowId(jobId)))
            .build());
    response.getWorkflowExecutionInfo().getSearchAttributes().getIndexedFieldsMap()
        .forEach((name, payload) -> values.put(name,
            DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, String.class, String.class)));
    return values;
  }

  @Test
  void incrementalRestoreSkipsWipeDataAndStopsWithoutImmediate() {
    RestoreResult result = env.run("j1", RestoreRequest.of("main1").withIncremental(true));
    assertFalse(env.host("db1").steps().contains(Steps.WIPE));
    assertEquals("stopped (fast)", env.host("db1").calls(Steps.STOP).get(0).detail());
    assertEquals("restored SDELTA02 (incremental)", env.host("db1").calls(ProbackupActivities.RESTORE_STEP).get(0).detail());
    assertEquals(StepStatus.SKIPPED, step(result.steps(), Steps.WIPE).status());
  }

  @Test
  void theRequestsFullReachesPlanRestoreAndAnUnaskedOneStaysNull() {
    env.run("j1", RestoreRequest.of("main1").withFull(true));
    env.run("j2", RestoreRequest.of("main1"));
    assertEquals(Arrays.asList(Boolean.TRUE, null),
        env.host("db1").plansAsked().stream().map(PlanInput::full).toList());
  }

  @Test
  void unknownBackupIdFailsInPlanRestoreWithoutTouchingTheCluster() {
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> env.run("j1", RestoreRequest.of("main1").withBackupId("NOSUCH")));
    assertEquals(Optional.of("BACKUP_NOT_FOUND"), failureType(e));
    assertEquals(List.of(Steps.PLAN), env.host("db1").steps(), "nothing after PlanRestore ran");
    assertEquals(1, env.host("db1").attempts(Steps.PLAN), "a permanent failure is not retried");
    RestoreProgress progress = env.progress("j1");
    assertEquals(JobState.FAILED, progress.state());
    assertTrue(progress.dataState().startsWith("untouched"), progress.dataState());
  }

  @Test
  void unknownInstanceFailsBeforeQueueing() {
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> env.run("j1", RestoreRequest.of("nope")));
    assertEquals(Optional.of("UNKNOWN_INSTANCE"), failureType(e));
    assertEquals(0, env.server().turnRequests());
  }

  @Test
  void withoutTemporalSchedulesAScheduleIsACronWorkflowThatRunsRestoreDrills() {
    RestoreSchedules schedules = new RestoreSchedules(env.client());
    IllegalArgumentException interval = assertThrows(IllegalArgumentException.class,
        () -> schedules.create("drill", ScheduleTiming.every("10m"), RestoreRequest.of("main1")));
    assertTrue(interval.getMessage().contains("no Schedules"), interval.getMessage());

    RestoreSchedules.Created created = schedules.create("drill", ScheduleTiming.cron("0 3 * * *"),
        RestoreRequest.of("main1"));
    assertEquals(RestoreSchedules.Kind.CRON_WORKFLOW, created.kind());
    assertTrue(created.note().contains("no Schedules"), created.note());
    assertThrows(IllegalArgumentException.class, () -> schedules.create("drill",
        ScheduleTiming.cron("0 4 * * *"), RestoreRequest.of("main1")), "names are unique");

    long start = env.testEnvironment().currentTimeMillis();
    env.testEnvironment().sleep(Duration.ofHours(49));
    List<JobEvent> drills = env.server().events().stream()
        .filter(e -> e.jobId().startsWith("drill-") && e.state() == JobState.SUCCEEDED).toList();
    // two nights; three 03:00s when the test starts between 02:00 and 03:00 UTC
    assertEquals(threeAmsWithin(start, Duration.ofHours(49)), drills.size(),
        "a drill each night: " + drills);
    for (JobEvent drill : drills) {
      assertTrue(drill.jobId().endsWith("-030000"), drill.jobId());
      assertEquals("schedule", drill.requestedVia());
    }
    assertEquals(RestoreSchedules.Kind.CRON_WORKFLOW, schedules.delete("drill"));
    assertThrows(IllegalArgumentException.class, () -> schedules.delete("drill"));
    assertThrows(IllegalArgumentException.class, () -> schedules.create("../x",
        ScheduleTiming.cron("0 3 * * *"), RestoreRequest.of("main1")));
  }

  /** How many 03:00 UTC there are after {@code startMillis} and no later than {@code span}. */
  private static long threeAmsWithin(long startMillis, Duration span) {
    java.time.Instant start = java.time.Instant.ofEpochMilli(startMillis);
    java.time.LocalDate day = start.atZone(java.time.ZoneOffset.UTC).toLocalDate();
    return java.util.stream.IntStream.range(0, 4)
        .mapToObj(i -> day.plusDays(i).atTime(3, 0).toInstant(java.time.ZoneOffset.UTC))
        .filter(t -> t.isAfter(start) && !t.isAfter(start.plus(span))).count();
  }

  @Test
  void transientFailureIsRetriedByTemporal() {
    env.host("db1").failTransiently(ProbackupActivities.RESTORE_STEP, 2);
    RestoreResult result = env.run("j1", RestoreRequest.of("main1"));
    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals(3, env.host("db1").attempts(ProbackupActivities.RESTORE_STEP));
    assertEquals(1, env.host("db1").attempts(Steps.WIPE), "earlier steps did not run again");
  }

  @Test
  void dryRunStopsAfterPlanRestore() {
    RestoreResult result = env.run("j1", RestoreRequest.of("main1").withDryRun(true));
    assertEquals(JobState.PLANNED, result.state());
    assertEquals(List.of(Steps.PLAN), env.host("db1").steps());
  }

  @Test
  void jobsOnOneHostRunOneAtATimeInSubmissionOrderWhileAnotherHostRunsAlongside()
      throws Exception {
    env.host("A").onStep(ProbackupActivities.RESTORE_STEP, FakeHost.busyFor(Duration.ofMillis(400)));
    env.host("B").onStep(ProbackupActivities.RESTORE_STEP, FakeHost.busyFor(Duration.ofMillis(900)));
    List<Submission> onA = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      onA.add(env.restoreflow().submit(RestoreRequest.of("main1").withHost("A")));
    }
    Submission onB = env.restoreflow().submit(RestoreRequest.of("reports").withHost("B"));
    assertEquals(List.of(0, 1, 2), onA.stream().map(Submission::queuePosition).toList());
    for (Submission job : onA) {
      env.restoreflow().await(job.jobId(), Duration.ofMinutes(1));
    }
    env.restoreflow().await(onB.jobId(), Duration.ofMinutes(1));

    List<FakeHost.Call> calls = env.host("A").calls();
    List<String> order = calls.stream().map(FakeHost.Call::jobId).distinct().toList();
    assertEquals(onA.stream().map(Submission::jobId).toList(), order, "submission order");
    for (int i = 0; i < calls.size(); i++) {
      for (int j = i + 1; j < calls.size(); j++) {
        assertFalse(calls.get(i).overlaps(calls.get(j)), calls.get(i) + " overlaps " + calls.get(j));
      }
    }
    long aStart = calls.get(0).startedNanos();
    long aEnd = calls.get(calls.size() - 1).endedNanos();
    FakeHost.Call bRestore = env.host("B").calls(ProbackupActivities.RESTORE_STEP).get(0);
    assertTrue(bRestore.startedNanos() < aEnd && bRestore.endedNanos() > aStart,
        "host B ran while host A's jobs ran");
  }

  @Test
  void progressQueryNamesTheCurrentStep() throws Exception {
    FakeHost.Gate gate = env.host("db1").gate(ProbackupActivities.RESTORE_STEP);
    env.start("j1", RestoreRequest.of("main1"));
    gate.awaitEntered();
    RestoreProgress progress = env.progress("j1");
    assertEquals(JobState.RUNNING, progress.state());
    assertEquals(ProbackupActivities.RESTORE_STEP, progress.currentStep());
    assertEquals(StepStatus.DONE, step(progress.steps(), Steps.WIPE).status());
    gate.open();
    assertEquals(JobState.SUCCEEDED, env.result("j1").state());
  }

  @Test
  void cancelDuringRestoreLeavesTheClusterStoppedAndTheHostFree() throws Exception {
    FakeHost.Gate gate = env.host("db1").gate(ProbackupActivities.RESTORE_STEP);
    WorkflowStub job = env.start("j1", RestoreRequest.of("main1"));
    gate.awaitEntered();
    job.cancel();
    assertTrue(gate.awaitCancelled(Duration.ofSeconds(10)), "the activity saw the cancel");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> job.getResult(RestoreResult.class));
    assertTrue(e.getCause() instanceof CanceledFailure, e.toString());
    RestoreProgress progress = env.progress("j1");
    assertEquals(JobState.CANCELLED, progress.state());
    assertEquals(StepStatus.CANCELLED, step(progress.steps(), ProbackupActivities.RESTORE_STEP).status());
    assertTrue(progress.dataState().startsWith("partly restored"), progress.dataState());
    assertFalse(env.host("db1").steps().contains(Steps.START), "data is half-written: stay stopped");

    env.host("db1").onStep(ProbackupActivities.RESTORE_STEP, input -> { });
    assertEquals(JobState.SUCCEEDED, env.run("j2", RestoreRequest.of("main1")).state(),
        "the host was given back");
  }

  @Test
  void aFullRestoreGivesWipeDataItsSizeAndDiscardsTheOldDataOnlyAfterTheLedgerSaysSucceeded() {
    List<JobState> ledgerWhenDiscarding = new ArrayList<>();
    env.host("db1").whenDiscarding(() -> ledgerWhenDiscarding.add(
        env.server().events().get(env.server().events().size() - 1).state()));
    RestoreResult result = env.run("j1", RestoreRequest.of("main1"));
    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals(List.of(1_600_000_000L), env.host("db1").wipeSizes(),
        "WipeData is given the plan's dataBytes");
    assertEquals(List.of("j1"), env.host("db1").discarded());
    assertEquals(List.of(JobState.SUCCEEDED), ledgerWhenDiscarding,
        "the job was SUCCEEDED in the ledger before its old data was deleted");
    assertEquals(List.of(Steps.PLAN, Steps.STOP, Steps.WIPE, ProbackupActivities.RESTORE_STEP,
        Steps.START, Steps.VERIFY), env.host("db1").steps(), "the discard is not a step");
    assertEquals("restored, cluster running", env.progress("j1").dataState(),
        "once discarded, the old data is no longer mentioned");
  }

  @Test
  void anIncrementalRestoreMovesNothingAsideAndDiscardsNothing() {
    env.run("j1", RestoreRequest.of("main1").withIncremental(true));
    assertEquals(List.of(), env.host("db1").wipeSizes());
    assertEquals(List.of(), env.host("db1").discarded());
  }

  @Test
  void aRestoreThatFailsAfterTheMoveSaysWhereTheOldDataIsAndKeepsIt() {
    env.host("db1").onStep(ProbackupActivities.RESTORE_STEP, input -> {
      throw ApplicationFailure.newNonRetryableFailure("backup damaged",
          FailureType.COMMAND_FAILED.name());
    });
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> env.run("j1", RestoreRequest.of("main1")));
    String data = env.progress("j1").dataState();
    assertTrue(data.startsWith("partly restored, cluster stopped; run a full restore; old data:"
        + " WipeData moved 23 entries aside to /var/lib/postgresql/16/.main.restoreflow-old-j1"),
        data);
    assertTrue(rootMessage(e).contains(".main.restoreflow-old-j1"), rootMessage(e));
    assertEquals(List.of(), env.host("db1").discarded(), "kept: the restore did not succeed");
    assertFalse(env.host("db1").steps().contains(Steps.START));
  }

  @Test
  void aWipeThatFailsMidwaySaysItsEntriesMayBeAside() {
    env.host("db1").onStep(Steps.WIPE, input -> {
      throw ApplicationFailure.newNonRetryableFailure("mv: disk error",
          FailureType.RESTORE_INCOMPLETE.name());
    });
    assertThrows(WorkflowFailedException.class, () -> env.run("j1", RestoreRequest.of("main1")));
    assertTrue(env.progress("j1").dataState().contains(".<pgdata name>.restoreflow-old-<job>"),
        env.progress("j1").dataState());
    assertEquals(List.of(), env.host("db1").discarded());
  }

  private static String rootMessage(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" | ");
    }
    return all.toString();
  }

  @Test
  void refusedWipeStartsTheUntouchedClusterAgain() {
    env.host("db1").onStep(Steps.WIPE, input -> {
      throw ApplicationFailure.newNonRetryableFailure("refused", FailureType.WIPE_REFUSED.name());
    });
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> env.run("j1", RestoreRequest.of("main1")));
    assertEquals(Optional.of("WIPE_REFUSED"), failureType(e));
    assertEquals(List.of(Steps.PLAN, Steps.STOP, Steps.WIPE, Steps.START), env.host("db1").steps(),
        "the refused wipe left the data intact, so the cluster is started again");
    assertTrue(env.progress("j1").dataState().startsWith("untouched"), env.progress("j1").dataState());
  }

  @Test
  void cancelWhileQueuedTouchesNothingAndLeavesTheQueue() throws Exception {
    FakeHost.Gate gate = env.host("db1").gate(ProbackupActivities.RESTORE_STEP);
    env.start("first", RestoreRequest.of("main1"));
    gate.awaitEntered();
    WorkflowStub second = env.start("second", RestoreRequest.of("main1"));
    RestoreflowTestEnv.awaitTrue(() -> env.queue("db1").waiting().size() == 1, "second queued");
    second.cancel();
    assertThrows(WorkflowFailedException.class, () -> second.getResult(RestoreResult.class));
    RestoreflowTestEnv.awaitTrue(() -> env.queue("db1").waiting().isEmpty(), "second left the queue");
    assertEquals(JobState.CANCELLED, env.progress("second").state());
    gate.open();
    assertEquals(JobState.SUCCEEDED, env.result("first").state());
    assertEquals(1, env.host("db1").attempts(Steps.PLAN), "the cancelled job never ran a step");
  }

  @Test
  void hostQueueMovesOnWhenAJobEndsWithoutGivingTheHostBack() throws Exception {
    // The first job holds the host while it waits for an approval after PlanRestore: no activity
    // of it is in flight when it is terminated. (Terminated during a step, its activity's
    // timeout timer goes with it and the test server never skips time again: the lease check
    // then comes after a real minute.)
    WorkflowStub first = env.start("first", RestoreRequest.of("main1").withRequireApproval(true));
    env.awaitProgress("first", p -> p.state() == JobState.AWAITING_APPROVAL,
        "first holds the host, awaiting approval");
    env.start("second", RestoreRequest.of("main1"));
    RestoreflowTestEnv.awaitTrue(() -> env.queue("db1").waiting().size() == 1, "second queued");
    assertEquals("restore-first", env.queue("db1").running().workflowId());
    first.terminate("operator pulled the plug");
    env.testEnvironment().sleep(HostQueueWorkflowImpl.LEASE_CHECK.plusSeconds(1));
    RestoreflowTestEnv.awaitTrue(() -> env.host("db1").calls().stream()
        .anyMatch(call -> call.jobId().equals("second")),
        "the lease check found first gone and gave the host to second");
    RestoreResult second = env.result("second");
    assertEquals(JobState.SUCCEEDED, second.state(), "the lease check freed the host");
  }

  @Test
  void hostQueueContinuesAsNewAndKeepsItsJobsInOrder() throws Exception {
    HostQueueWorkflow queue = env.client().newWorkflowStub(HostQueueWorkflow.class,
        io.temporal.client.WorkflowOptions.newBuilder()
            .setWorkflowId(TaskQueues.hostQueueWorkflowId("A"))
            .setTaskQueue(TaskQueues.SERVER).build());
    io.temporal.api.common.v1.WorkflowExecution firstRun = io.temporal.client.WorkflowClient.start(
        queue::run, new dev.restoreflow.workflows.model.QueueState("A", null, List.of(), 40));
    env.host("A").onStep(ProbackupActivities.RESTORE_STEP, FakeHost.busyFor(Duration.ofMillis(100)));
    List<Submission> jobs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      jobs.add(env.restoreflow().submit(RestoreRequest.of("main1").withHost("A")));
    }
    for (Submission job : jobs) {
      assertEquals(JobState.SUCCEEDED, env.restoreflow().await(job.jobId(), Duration.ofMinutes(1)).state());
    }
    List<String> order = env.host("A").calls().stream().map(FakeHost.Call::jobId).distinct().toList();
    assertEquals(jobs.stream().map(Submission::jobId).toList(), order);
    String currentRun = env.client().getWorkflowServiceStubs().blockingStub()
        .describeWorkflowExecution(io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest
            .newBuilder().setNamespace("default")
            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                .setWorkflowId(firstRun.getWorkflowId()))
            .build())
        .getWorkflowExecutionInfo().getExecution().getRunId();
    assertFalse(currentRun.equals(firstRun.getRunId()), "the queue continued as new");
    assertTrue(env.queue("A").waiting().isEmpty());
  }

  @Test
  void aQueueStartedAfterTheOldOneWasLostLetsTheJobHoldingTheHostFinishFirst() throws Exception {
    FakeHost.Gate gate = holderRunningAndOneWaiting();
    terminateQueue("db1");

    env.start("newcomer", RestoreRequest.of("main1"));   // its request starts a fresh queue
    RestoreflowTestEnv.awaitTrue(() -> queueOrNull("db1") != null
        && queueOrNull("db1").waiting().size() == 2, "the fresh queue knows all three jobs");
    assertEquals("restore-holder", env.queue("db1").running().workflowId());
    assertEquals(List.of("restore-waiting", "restore-newcomer"), env.queue("db1").waiting().stream()
        .map(dev.restoreflow.workflows.model.QueueEntry::workflowId).toList());

    gate.open();
    for (String job : List.of("holder", "waiting", "newcomer")) {
      assertEquals(JobState.SUCCEEDED, env.result(job).state(), job);
    }
    List<FakeHost.Call> calls = env.host("db1").calls();
    assertEquals(List.of("holder", "waiting", "newcomer"),
        calls.stream().map(FakeHost.Call::jobId).distinct().toList());
    for (int i = 0; i < calls.size(); i++) {
      for (int j = i + 1; j < calls.size(); j++) {
        assertFalse(calls.get(i).overlaps(calls.get(j)), calls.get(i) + " overlaps " + calls.get(j));
      }
    }
  }

  @Test
  void aWaitingJobAsksAgainSoAQueueStartedAfterItLearnsOfIt() throws Exception {
    // the host is held by a job that never gives it back and that the server does not know
    WorkflowStub occupant = env.client().newUntypedWorkflowStub("HoldForever",
        io.temporal.client.WorkflowOptions.newBuilder().setWorkflowId("occupant")
            .setTaskQueue(TaskQueues.SERVER).build());
    occupant.start();
    dev.restoreflow.client.HostQueues.enter(env.client(), "db1",
        new dev.restoreflow.workflows.model.QueueEntry("occupant", "occupant", "main1", 0, null));
    env.start("waiting", RestoreRequest.of("main1"));
    RestoreflowTestEnv.awaitTrue(() -> env.queue("db1").positionOf("restore-waiting") == 1,
        "waiting queued");
    env.server().forget("waiting");   // the server lost track of it (a ledger write failed)
    terminateQueue("db1");

    env.testEnvironment().sleep(Duration.ofMinutes(3));   // past the job's re-ask interval
    RestoreResult waiting = env.client().newUntypedWorkflowStub(
        TaskQueues.restoreWorkflowId("waiting")).getResult(20, java.util.concurrent.TimeUnit.SECONDS,
        RestoreResult.class);
    assertEquals(JobState.SUCCEEDED, waiting.state(), "a fresh queue learned of it and granted it");
  }

  /** Job "holder" in its restore step (held there by the returned gate), job "waiting" queued. */
  private FakeHost.Gate holderRunningAndOneWaiting() throws InterruptedException {
    FakeHost.Gate gate = env.host("db1").gate(ProbackupActivities.RESTORE_STEP);
    env.start("holder", RestoreRequest.of("main1"));
    gate.awaitEntered();
    env.start("waiting", RestoreRequest.of("main1"));
    RestoreflowTestEnv.awaitTrue(() -> env.queue("db1").waiting().size() == 1, "waiting queued");
    return gate;
  }

  private void terminateQueue(String host) {
    env.client().newUntypedWorkflowStub(TaskQueues.hostQueueWorkflowId(host))
        .terminate("an operator ended the host queue");
  }

  private dev.restoreflow.workflows.model.QueueState queueOrNull(String host) {
    try {
      return env.client().newUntypedWorkflowStub(TaskQueues.hostQueueWorkflowId(host))
          .describe().getStatus()
          == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          ? env.queue(host) : null;
    } catch (io.temporal.client.WorkflowException e) {
      return null;
    }
  }

  @Test
  void cancelDuringStopClusterWaitsForTheStopThenStartsTheClusterAgainBeforeTheNextJob()
      throws Exception {
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean sawCancel = new java.util.concurrent.atomic.AtomicBoolean();
    // like pg_ctl stop: once it runs, it runs to its end, whatever the job wants
    env.host("db1").onStep(Steps.STOP, input -> {
      if (!input.jobId().equals("j1")) {
        return;
      }
      entered.countDown();
      while (!finish.await(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (!sawCancel.get()) {
          try {
            io.temporal.activity.Activity.getExecutionContext().heartbeat(null);
          } catch (io.temporal.client.ActivityCompletionException cancelled) {
            sawCancel.set(true);
          }
        }
      }
    });
    WorkflowStub job = env.start("j1", RestoreRequest.of("main1"));
    assertTrue(entered.await(10, java.util.concurrent.TimeUnit.SECONDS));
    env.start("j2", RestoreRequest.of("main1"));
    job.cancel();
    RestoreflowTestEnv.awaitTrue(sawCancel::get, "the stop saw the cancel");
    Thread.sleep(500);
    assertEquals(JobState.RUNNING, env.progress("j1").state(),
        "the job waits for the cancelled stop to end");
    assertEquals(1, env.host("db1").steps().stream().filter(Steps.PLAN::equals).count(),
        "the next job has not started");
    finish.countDown();

    assertThrows(WorkflowFailedException.class, () -> job.getResult(RestoreResult.class));
    RestoreProgress progress = env.progress("j1");
    assertEquals(JobState.CANCELLED, progress.state());
    assertTrue(progress.dataState().startsWith("untouched"), progress.dataState());
    assertEquals(JobState.SUCCEEDED, env.result("j2").state());
    List<FakeHost.Call> calls = env.host("db1").calls();
    FakeHost.Call stop = calls.stream().filter(c -> c.jobId().equals("j1")
        && c.step().equals(Steps.STOP)).findFirst().orElseThrow();
    FakeHost.Call restart = calls.stream().filter(c -> c.jobId().equals("j1")
        && c.step().equals(Steps.START)).findFirst().orElseThrow(
            () -> new AssertionError("the stopped cluster was not started again: " + calls));
    FakeHost.Call next = calls.stream().filter(c -> c.jobId().equals("j2")).findFirst().orElseThrow();
    assertTrue(restart.startedNanos() >= stop.endedNanos(), "restarted after the stop ended");
    assertTrue(next.startedNanos() >= restart.endedNanos(), "the next job waited for the restart");
  }

  @Test
  void anUnreachableHostIsRetriedForLongerThanFiveAttempts() {
    env.host("db1").failTransiently(Steps.STOP, 12, FailureType.HOST_UNREACHABLE);
    RestoreResult result = env.run("j1", RestoreRequest.of("main1"));
    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals(13, env.host("db1").attempts(Steps.STOP));
  }

  private static StepProgress step(List<StepProgress> steps, String name) {
    return steps.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private static Optional<String> failureType(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure app) {
        return Optional.of(app.getType());
      }
    }
    return Optional.empty();
  }
}
