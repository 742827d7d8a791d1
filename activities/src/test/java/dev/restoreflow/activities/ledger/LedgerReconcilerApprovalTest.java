package dev.restoreflow.activities.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job the ledger last saw awaiting approval: open while it waits, REJECTED once rejected. */
class LedgerReconcilerApprovalTest {

  @TempDir
  Path dir;

  private TestWorkflowEnvironment env;
  private JobLedger ledger;

  @WorkflowInterface
  public interface Waiting {
    @WorkflowMethod
    RestoreResult run(boolean answered);
  }

  public static class WaitingImpl implements Waiting {
    @Override
    public RestoreResult run(boolean answered) {
      Workflow.await(() -> answered);
      return new RestoreResult(Workflow.getInfo().getWorkflowId(), "main1", "local",
          JobState.REJECTED, "SSCOAD", null, List.of(), "rejected by bob: not now");
    }
  }

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    env.newWorker("q").registerWorkflowImplementationTypes(WaitingImpl.class);
    env.start();
    ledger = new JobLedger(dir.resolve("ledger.db"));
  }

  @AfterEach
  void tearDown() {
    ledger.close();
    env.close();
  }

  @Test
  void aRejectedJobEndsRejectedAndAWaitingOneStaysOpen() {
    start("restore-waits", false);
    awaiting("waits");
    start("restore-rejected", true);
    env.getWorkflowClient().newUntypedWorkflowStub("restore-rejected")
        .getResult(RestoreResult.class);
    awaiting("rejected");   // its end was never recorded

    LedgerReconciler reconciler = new LedgerReconciler(ledger, env.getWorkflowClient(),
        Clock.systemUTC());
    assertEquals(1, reconciler.reconcile());
    assertEquals("REJECTED", ledger.job("rejected").orElseThrow().status());
    assertEquals("AWAITING_APPROVAL", ledger.job("waits").orElseThrow().status());
    assertEquals(List.of("waits"), ledger.openJobs().stream().map(JobRow::jobId).toList());
  }

  private void start(String workflowId, boolean answered) {
    Waiting job = env.getWorkflowClient().newWorkflowStub(Waiting.class, WorkflowOptions
        .newBuilder().setWorkflowId(workflowId).setTaskQueue("q").build());
    WorkflowClient.start(job::run, answered);
  }

  private void awaiting(String jobId) {
    ledger.record(new JobEvent(jobId, "restore-" + jobId, "run", "restore", "main1", "local",
        "cli", RestoreRequest.of("main1"), JobState.AWAITING_APPROVAL, null, null, 1000));
  }
}
