package dev.restoreflow.it;

import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.ClusterActivities;
import dev.restoreflow.workflows.activities.PlanActivities;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.RestorePlan;
import dev.restoreflow.workflows.model.StepInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.Activity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A database host that restores instantly and runs no command at all: for gateway load and fuzz
 * tests, which are about the way in, not about PostgreSQL. It records the jobs it served in
 * order, and can hold them all at PlanRestore until the test opens its gate.
 */
final class InstantHost implements PlanActivities, ClusterActivities, ProbackupActivities {

  private final String host;
  private final List<String> served = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);

  InstantHost(String host) {
    this.host = host;
  }

  void close() {
    gate = new CountDownLatch(1);
  }

  void open() {
    gate.countDown();
  }

  synchronized List<String> served() {
    return List.copyOf(served);
  }

  synchronized int calls() {
    return calls.size();
  }

  private synchronized void record(String step, String jobId) {
    calls.add(step + ":" + jobId);
  }

  @Override
  public RestorePlan planRestore(PlanInput input) {
    try {
      while (!gate.await(500, TimeUnit.MILLISECONDS)) {
        Activity.getExecutionContext().heartbeat(null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
    synchronized (this) {
      served.add(input.step().jobId());
    }
    record("PlanRestore", input.step().jobId());
    return new RestorePlan(input.step().instance(), host, "probackup", "TOXAAA", "FULL", null,
        List.of("TOXAAA"), 1, 1, "/nonexistent",
        Steps.restore(ProbackupActivities.RESTORE_STEP, input.incremental()));
  }

  private StepResult step(String name, StepInput input) {
    record(name, input.jobId());
    long now = System.currentTimeMillis();
    return new StepResult(name, now, now, "instant");
  }

  @Override
  public StepResult stopCluster(StepInput input, boolean immediate) {
    return step("StopCluster", input);
  }

  @Override
  public StepResult wipeData(StepInput input, Long restoreBytes) {
    return step("WipeData", input);
  }

  @Override
  public StepResult discardOldData(StepInput input) {
    return step("DiscardOldData", input);
  }

  @Override
  public StepResult probackupRestore(EngineRestoreInput input) {
    return step("ProbackupRestore", input.step());
  }

  @Override
  public StepResult startCluster(StepInput input) {
    return step("StartCluster", input);
  }

  @Override
  public StepResult promote(StepInput input) {
    return step("Promote", input);
  }

  @Override
  public StepResult verifyCluster(StepInput input) {
    return step("VerifyCluster", input);
  }

  @Override
  public StepResult proveRestore(dev.restoreflow.workflows.model.EngineRestoreInput input) {
    return step("ProveRestore", input.step());
  }

  @Override
  public StepResult removeScratch(StepInput input) {
    return step("RemoveScratch", input);
  }
}
