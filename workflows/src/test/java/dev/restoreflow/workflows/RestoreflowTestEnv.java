package dev.restoreflow.workflows;

import static org.junit.jupiter.api.Assertions.fail;

import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An in-process Temporal test server (time skipping) with the real workflows on the server task
 * queue, {@link FakeServerActivities} as their local activities, and one {@link FakeHost} per
 * host on {@code restoreflow.host.<host>}.
 */
final class RestoreflowTestEnv implements AutoCloseable {

  private final TestWorkflowEnvironment env;
  private final FakeServerActivities server;
  private final FakeNotifier notifier = new FakeNotifier();
  private final Map<String, FakeHost> hosts = new LinkedHashMap<>();

  RestoreflowTestEnv() {
    env = TestWorkflowEnvironment.newInstance();
    for (var key : JobSearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    server = new FakeServerActivities(env.getWorkflowClient());
    Worker serverWorker = env.newWorker(TaskQueues.SERVER);
    serverWorker.registerWorkflowImplementationTypes(RestoreWorkflowImpl.class,
        BackupWorkflowImpl.class, CatalogWorkflowImpl.class, HostQueueWorkflowImpl.class,
        ScheduledRestoreWorkflowImpl.class, ScheduledBackupWorkflowImpl.class,
        ScheduledRetentionWorkflowImpl.class, RetentionWorkflowImpl.class,
        RestoreTargetWorkflowImpl.class, HoldForever.class, NotifyWorkflowImpl.class);
    serverWorker.registerActivitiesImplementations(server, notifier);
    // Heartbeats reach the server at once instead of every 0.8 x heartbeat timeout, so a blocked
    // fake step learns about a cancel within ~100 ms.
    WorkerOptions hostOptions = WorkerOptions.newBuilder()
        .setMaxHeartbeatThrottleInterval(Duration.ofMillis(50))
        .build();
    for (String host : FakeServerActivities.HOSTS) {
      FakeHost fake = new FakeHost(host);
      env.newWorker(TaskQueues.forHost(host), hostOptions).registerActivitiesImplementations(fake);
      // the fake serves the host's reads queue too (its ListBackups is what runs there)
      env.newWorker(TaskQueues.forHostReads(host)).registerActivitiesImplementations(fake);
      hosts.put(host, fake);
    }
    env.start();
  }

  TestWorkflowEnvironment testEnvironment() {
    return env;
  }

  WorkflowClient client() {
    return env.getWorkflowClient();
  }

  RestoreflowClient restoreflow() {
    return new RestoreflowClient(client());
  }

  FakeServerActivities server() {
    return server;
  }

  FakeNotifier notifier() {
    return notifier;
  }

  FakeHost host(String host) {
    return hosts.get(host);
  }

  /** Runs a job to its end; a failed job throws WorkflowFailedException. */
  RestoreResult run(String jobId, RestoreRequest request) {
    return stub(jobId).restore(request);
  }

  /** Starts a job and returns at once. */
  WorkflowStub start(String jobId, RestoreRequest request) {
    RestoreWorkflow workflow = stub(jobId);
    WorkflowClient.start(workflow::restore, request);
    return WorkflowStub.fromTyped(workflow);
  }

  /** Starts a backup job and returns at once. */
  WorkflowStub startBackup(String jobId, BackupRequest request) {
    BackupWorkflow workflow = client().newWorkflowStub(BackupWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(TaskQueues.backupWorkflowId(jobId))
            .setTaskQueue(TaskQueues.SERVER)
            .build());
    WorkflowClient.start(workflow::backup, request);
    return WorkflowStub.fromTyped(workflow);
  }

  RestoreResult result(String jobId) {
    return client().newUntypedWorkflowStub(TaskQueues.restoreWorkflowId(jobId))
        .getResult(RestoreResult.class);
  }

  RestoreProgress progress(String jobId) {
    return client().newWorkflowStub(RestoreWorkflow.class, TaskQueues.restoreWorkflowId(jobId))
        .progress();
  }

  QueueState queue(String host) {
    return client().newWorkflowStub(HostQueueWorkflow.class, TaskQueues.hostQueueWorkflowId(host))
        .queue();
  }

  void awaitProgress(String jobId, Predicate<RestoreProgress> condition, String what) {
    awaitTrue(() -> condition.test(progress(jobId)), what);
  }

  /** Polls (real time) until the condition holds; queries do not make test time move. */
  static void awaitTrue(Supplier<Boolean> condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.get()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    fail("timed out waiting until " + what);
  }

  private RestoreWorkflow stub(String jobId) {
    return client().newWorkflowStub(RestoreWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(TaskQueues.restoreWorkflowId(jobId))
        .setTaskQueue(TaskQueues.SERVER)
        .build());
  }

  @Override
  public void close() {
    env.close();
  }

  /** A job that takes the host and never gives it back (as a job whose server side is lost). */
  @io.temporal.workflow.WorkflowInterface
  public interface HoldForeverWorkflow {
    @io.temporal.workflow.WorkflowMethod(name = "HoldForever")
    void hold();

    @io.temporal.workflow.SignalMethod
    void grant();
  }

  public static class HoldForever implements HoldForeverWorkflow {
    @Override
    public void hold() {
      io.temporal.workflow.Workflow.await(() -> false);
    }

    @Override
    public void grant() {
    }
  }
}
