package dev.restoreflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.workflows.model.Approval;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobNotice;
import dev.restoreflow.workflows.model.JobOutcome;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreEstimate;
import dev.restoreflow.workflows.model.RestoreInto;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepInput;
import dev.restoreflow.workflows.model.StepProgress;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 17 around a restore: approval, notices, stalls, RTO, clones and drills. */
class OnCallWorkflowTest {

  private RestoreflowTestEnv env;

  @BeforeEach
  void setUp() {
    env = new RestoreflowTestEnv();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private RestoreWorkflow job(String jobId) {
    return env.client().newWorkflowStub(RestoreWorkflow.class, TaskQueues.restoreWorkflowId(jobId));
  }

  private void awaitApprovalOf(String jobId) {
    env.awaitProgress(jobId, p -> p.state() == JobState.AWAITING_APPROVAL && p.plan() != null,
        jobId + " awaits approval");
  }

  @Test
  void anApprovedJobWaitsAfterPlanningWithNothingTouchedThenRunsAndTheLedgerNamesTheApprover() {
    env.start("j1", RestoreRequest.of("main1").withRequireApproval(true));
    awaitApprovalOf("j1");
    assertEquals(List.of(Steps.PLAN), env.host("db1").steps(), "nothing but the plan ran");

    job("j1").approve(new Approval("", "no name"));      // ignored: who approves is required
    job("j1").approve(new Approval("alice", "OPS-12"));
    RestoreResult result = env.result("j1");

    assertEquals(JobState.SUCCEEDED, result.state());
    assertTrue(env.host("db1").steps().contains(Steps.STOP));
    assertTrue(outcomes("j1").stream().anyMatch(o -> "approved by alice: OPS-12"
        .equals(o.approval())), "the ledger names the approver: " + outcomes("j1"));
    assertTrue(env.server().events().stream().anyMatch(e -> e.jobId().equals("j1")
        && e.state() == JobState.AWAITING_APPROVAL));
  }

  @Test
  void aRejectedJobEndsRejectedWithTheClusterUntouched() {
    env.start("j1", RestoreRequest.of("main1").withRequireApproval(true));
    awaitApprovalOf("j1");
    job("j1").reject(new Approval("bob", "wrong backup"));
    RestoreResult result = env.result("j1");

    assertEquals(JobState.REJECTED, result.state());
    assertTrue(result.message().startsWith("rejected by bob: wrong backup"), result.message());
    assertEquals(List.of(Steps.PLAN), env.host("db1").steps());
    assertTrue(outcomes("j1").stream().anyMatch(o -> o.approval() != null
        && o.approval().startsWith("rejected by bob")));
    JobEvent last = lastEvent("j1");
    assertEquals(JobState.REJECTED, last.state());
  }

  @Test
  void noAnswerWithinTheTimeoutEndsRejected() {
    env.server().approvalTimeout(900);
    env.start("j1", RestoreRequest.of("main1").withRequireApproval(true));
    RestoreResult result = env.result("j1");    // time skips over the 15 minutes

    assertEquals(JobState.REJECTED, result.state());
    assertTrue(result.message().contains("no approval within 15 min"), result.message());
    assertEquals(List.of(Steps.PLAN), env.host("db1").steps());
  }

  @Test
  void aDryRunNeverWaitsForApproval() {
    RestoreResult result = env.run("j1", RestoreRequest.of("main1").withRequireApproval(true)
        .withDryRun(true));
    assertEquals(JobState.PLANNED, result.state());
  }

  @Test
  void theJobsEndAndAFailureAreNotifiedOnceEachWithTheFailedStep() {
    env.server().notices(List.of(JobNotice.SUCCEEDED, JobNotice.FAILED), null);
    env.run("ok", RestoreRequest.of("main1"));
    env.host("db1").onStep(Steps.START, input -> {
      throw ApplicationFailure.newNonRetryableFailure("postmaster did not start", "COMMAND_FAILED");
    });
    assertThrows(WorkflowFailedException.class, () -> env.run("bad", RestoreRequest.of("main1")));

    RestoreflowTestEnv.awaitTrue(() -> env.notifier().events("bad").size() == 1, "the failure");
    assertEquals(List.of(JobNotice.SUCCEEDED), env.notifier().events("ok"));
    assertEquals(List.of(JobNotice.FAILED), env.notifier().events("bad"));
    JobNotice failed = env.notifier().notices().stream().filter(n -> n.jobId().equals("bad"))
        .findFirst().orElseThrow();
    assertEquals(Steps.START, failed.step());
    assertEquals("bad:FAILED", failed.id());
    assertTrue(failed.message().contains("postmaster did not start"), failed.message());
  }

  @Test
  void aBackupJobsEndIsNotifiedToo() {
    env.server().notices(List.of(JobNotice.SUCCEEDED), null);
    env.startBackup("b1", dev.restoreflow.workflows.model.BackupRequest.of("main1"))
        .getResult(Object.class);
    RestoreflowTestEnv.awaitTrue(() -> env.notifier().events("b1").size() == 1, "the notice");
    JobNotice notice = env.notifier().notices().get(0);
    assertEquals("backup", notice.kind());
    assertNotNull(notice.backupId());
  }

  @Test
  void eventsNoWebhookTakesAreNotSent() {
    env.server().notices(List.of(JobNotice.FAILED), null);
    env.run("ok", RestoreRequest.of("main1"));
    assertEquals(List.of(), env.notifier().events("ok"));
  }

  @Test
  void aStepWithoutProgressIsNotifiedAsStalledOnce() throws Exception {
    // time does not skip while an activity runs: a short stall time, in real time (~15 s)
    env.server().notices(List.of(JobNotice.STALLED), 10L);
    env.server().progressMarks(id -> "ProbackupRestore#1:same");
    FakeHost.Gate gate = env.host("db1").gate(FakeServerActivities.restoreStepOf("main1"));
    env.start("j1", RestoreRequest.of("main1"));
    gate.awaitEntered();
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(40).toNanos();
    while (env.notifier().events("j1").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    Thread.sleep(6_000);    // one more look of the watch: still the same stall, not notified again
    gate.open();
    env.result("j1");
    assertEquals(List.of(JobNotice.STALLED), env.notifier().events("j1"), "once per stall");
    JobNotice stalled = env.notifier().notices().get(0);
    assertEquals(FakeServerActivities.restoreStepOf("main1"), stalled.step());
    assertTrue(stalled.message().startsWith("no progress in "), stalled.message());
  }

  @Test
  void thePlanCarriesTheRtoEstimateAndTheOutcomeTheMeasuredTime() {
    env.server().estimate(new RestoreEstimate(125L, "median of 3 restores of main1"));
    RestoreResult result = env.run("j1", RestoreRequest.of("main1"));

    assertEquals(125L, result.plan().estimatedSeconds());
    StepProgress plan = result.steps().get(0);
    assertTrue(plan.detail().contains("RTO about 2 min 5 s (median of 3 restores of main1)"),
        plan.detail());
    assertNotNull(result.restoreSeconds());
    JobOutcome last = outcomes("j1").get(outcomes("j1").size() - 1);
    assertEquals("probackup", last.engine());
    assertEquals(result.backupId(), last.backupId());
    assertNotNull(last.restoreMillis());
    assertNull(last.drill());
  }

  @Test
  void aDrillRunsEveryStepOnItsScratchTargetThenProvesAndRemovesIt() {
    RestoreResult result = env.run("d1", RestoreRequest.of("main1").withDrill(true));

    assertEquals(JobState.SUCCEEDED, result.state());
    List<String> steps = env.host("db1").steps();
    assertEquals(List.of(Steps.PROVE, Steps.REMOVE_SCRATCH),
        steps.subList(steps.size() - 2, steps.size()));
    for (StepInput input : env.host("db1").inputs()) {
      assertEquals(new RestoreInto("/scratch/main1-d1", 5499, null), input.into(),
          "every step works on the scratch target, never the instance");
    }
    assertTrue(result.message().startsWith("drill proved backup "), result.message());
    assertTrue(outcomes("d1").stream().anyMatch(o -> Boolean.TRUE.equals(o.drill())));
  }

  @Test
  void aDrillThatFailsItsProofRemovesItsScratchAndNeverTouchesTheInstance() {
    env.server().notices(List.of(JobNotice.FAILED), null);
    env.host("db1").onStep(Steps.PROVE, input -> {
      throw ApplicationFailure.newNonRetryableFailure("amcheck: index pgbench_accounts_pkey is"
          + " corrupt", "VERIFY_FAILED");
    });
    assertThrows(WorkflowFailedException.class,
        () -> env.run("d1", RestoreRequest.of("main1").withDrill(true)));

    List<String> steps = env.host("db1").steps();
    assertEquals(Steps.REMOVE_SCRATCH, steps.get(steps.size() - 1), "cleaned up: " + steps);
    assertTrue(env.host("db1").inputs().stream().allMatch(i -> i.into() != null),
        "no step ran on the instance itself (no restart either)");
    RestoreflowTestEnv.awaitTrue(() -> env.notifier().events("d1").size() == 1, "the failure");
    assertEquals(Steps.PROVE, env.notifier().notices().get(0).step());
  }

  @Test
  void aCloneKeepsItsScratchRunning() {
    RestoreResult result = env.run("c1", RestoreRequest.of("main1")
        .withInto(new RestoreInto("/scratch/copy", 6543, null)));
    assertFalse(env.host("db1").steps().contains(Steps.REMOVE_SCRATCH));
    assertFalse(env.host("db1").steps().contains(Steps.PROVE));
    assertTrue(result.message().contains("/scratch/copy (port 6543)"), result.message());
  }

  private List<JobOutcome> outcomes(String jobId) {
    return env.server().events().stream().filter(e -> e.jobId().equals(jobId))
        .map(JobEvent::outcome).filter(Objects::nonNull).toList();
  }

  private JobEvent lastEvent(String jobId) {
    List<JobEvent> events = env.server().events().stream()
        .filter(e -> e.jobId().equals(jobId)).toList();
    return events.get(events.size() - 1);
  }
}
