package dev.restoreflow.activities.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ledger rows of jobs that ended without recording it get their real end from Temporal. */
class LedgerReconcilerTest {

  @TempDir
  Path dir;

  private TestWorkflowEnvironment env;
  private JobLedger ledger;

  @WorkflowInterface
  public interface Job {
    @WorkflowMethod
    String run(boolean finish);
  }

  public static class JobImpl implements Job {
    @Override
    public String run(boolean finish) {
      Workflow.await(() -> finish);
      return "done";
    }
  }

  @BeforeEach
  void setUp() {
    // no time skipping: a skip while the test waits for j4 must not end the job that runs on (j2)
    env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    env.newWorker("q").registerWorkflowImplementationTypes(JobImpl.class);
    env.start();
    ledger = new JobLedger(dir.resolve("ledger.db"));
  }

  @AfterEach
  void tearDown() {
    ledger.close();
    env.close();
  }

  @Test
  void aTerminatedJobIsNoLongerRunningInTheLedger() {
    start("restore-j1", false);
    running("j1", "WipeData");
    env.getWorkflowClient().newUntypedWorkflowStub("restore-j1").terminate("pulled the plug");
    start("restore-j2", false);
    running("j2", "ProbackupRestore");
    record("j3", JobState.QUEUED, null);          // its workflow is not in Temporal (any more)
    start("restore-j4", true);
    env.getWorkflowClient().newUntypedWorkflowStub("restore-j4").getResult(String.class);
    running("j4", "VerifyCluster");               // completed, but the end was never recorded
    record("j5", JobState.FAILED, null);

    LedgerReconciler reconciler = new LedgerReconciler(ledger, env.getWorkflowClient(),
        Clock.systemUTC());
    assertEquals(3, reconciler.reconcile(), () -> "rows ended: " + ledger.jobs(null, null, 10));

    JobRow j1 = ledger.job("j1").orElseThrow();
    assertEquals(LedgerReconciler.TERMINATED, j1.status());
    assertTrue(j1.error().contains("terminated in Temporal during WipeData")
        && j1.error().contains("pulled the plug"), j1.error());
    assertTrue(j1.finishedAt() > 0);
    assertEquals("RUNNING", ledger.job("j2").orElseThrow().status(), "a running job is left alone");
    assertEquals(LedgerReconciler.LOST, ledger.job("j3").orElseThrow().status());
    assertEquals("SUCCEEDED", ledger.job("j4").orElseThrow().status());
    assertEquals("FAILED", ledger.job("j5").orElseThrow().status(), "an ended job is left alone");
    assertEquals(0, reconciler.reconcile(), "nothing more to do");
  }

  private void start(String workflowId, boolean finish) {
    Job job = env.getWorkflowClient().newWorkflowStub(Job.class, WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId).setTaskQueue("q").build());
    WorkflowClient.start(job::run, finish);
  }

  private void running(String jobId, String step) {
    record(jobId, JobState.RUNNING, new StepProgress(step, StepStatus.RUNNING, 1000, 0, null));
  }

  private void record(String jobId, JobState state, StepProgress step) {
    ledger.record(new JobEvent(jobId, "restore-" + jobId, "run", "restore", "main1", "local",
        "cli", RestoreRequest.of("main1"), state, step, null, 1000));
  }
}
