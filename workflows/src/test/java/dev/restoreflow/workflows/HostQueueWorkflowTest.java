package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.ProvenBackup;
import dev.restoreflow.workflows.model.RestoreEstimate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreRequest;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The host queue alone, against jobs that only take their grant ({@link FakeJob}) and a server
 * side whose answers a test controls: the queue must never fail or wedge.
 */
class HostQueueWorkflowTest {

  private static final String HOST = "h1";

  private TestWorkflowEnvironment env;
  private final ControlledServer server = new ControlledServer();

  @AfterEach
  void tearDown() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aReleaseThatArrivesWhileTheGrantIsOnItsWayDoesNotCrashTheQueue() {
    start(new GrantWaitsForItsRelease("job-x"));
    HostQueueWorkflow queue = startQueue();
    FakeJob x = startJob("job-x");
    FakeJob y = startJob("job-y");
    queue.request(entry("job-x", 1));
    queue.request(entry("job-y", 2));
    RestoreflowTestEnv.awaitTrue(() -> isRunning(queue.queue(), "job-x"), "x is being granted");

    queue.release("job-x");   // handled while grant() still waits for its signal to be sent
    RestoreflowTestEnv.awaitTrue(x::granted, "x got the grant that was on its way");
    env.sleep(Duration.ofMinutes(3));   // past the lease check that used to crash

    RestoreflowTestEnv.awaitTrue(y::granted, "y granted after x was released");
    assertEquals("job-y", queue.queue().running().workflowId());
    assertHealthy();
  }

  @Test
  void transientFailuresOfTheLeaseCheckNeverEndTheQueue() {
    start();
    HostQueueWorkflow queue = startQueue();
    FakeJob x = startJob("job-x");
    FakeJob y = startJob("job-y");
    queue.request(entry("job-x", 1));
    queue.request(entry("job-y", 2));
    RestoreflowTestEnv.awaitTrue(x::granted, "x granted");

    server.failDescribes(5);
    // the lease check runs every minute; its first retries wait 1, 2, 4, 8 s of real time
    for (int checks = 0; checks < 10 && server.failuresLeft() > 0; checks++) {
      int seen = server.describesSeen();
      env.sleep(Duration.ofMinutes(1));
      RestoreflowTestEnv.awaitTrue(() -> server.describesSeen() > seen, "a lease check");
    }
    RestoreflowTestEnv.awaitTrue(() -> server.failuresLeft() == 0, "the lease check ran into every failure");
    assertEquals("job-x", queue.queue().running().workflowId(), "x is alive: it keeps the host");

    client().newUntypedWorkflowStub("job-x").terminate("gone without giving the host back");
    env.sleep(Duration.ofMinutes(2));
    RestoreflowTestEnv.awaitTrue(y::granted, "y granted once x was found dead");
    assertHealthy();
  }

  @Test
  void malformedSignalsAreDroppedAndTheQueueGoesOn() {
    start();
    HostQueueWorkflow queue = startQueue();
    WorkflowStub raw = WorkflowStub.fromTyped(queue);
    raw.signal("request", (Object) null);
    raw.signal("request", new QueueEntry(null, null, null, 0, null));
    raw.signal("request", new QueueEntry(" ", "j", "main1", 0, null));
    raw.signal("request", "not an entry");
    raw.signal("request", 42);
    raw.signal("release", (Object) null);

    FakeJob y = startJob("job-y");
    queue.request(entry("job-y", 2));
    RestoreflowTestEnv.awaitTrue(y::granted, "a good request after the bad ones is granted");
    assertEquals(List.of(), queue.queue().waiting());
    assertHealthy();
  }

  @Test
  void aQueueStartedFreshLetsTheJobThatHoldsTheHostFinishFirst() {
    start();
    FakeJob holder = startJob("job-holder");
    server.openJobs(new QueueState(HOST, entry("job-holder", 1), List.of(entry("job-old", 2)), null));
    FakeJob old = startJob("job-old");
    HostQueueWorkflow queue = startQueue();
    FakeJob fresh = startJob("job-new");
    queue.request(entry("job-new", 3));

    RestoreflowTestEnv.awaitTrue(() -> queue.queue().waiting().size() == 2, "all three known");
    QueueState state = queue.queue();
    assertEquals("job-holder", state.running().workflowId(), "the holder keeps the host");
    assertEquals(List.of("job-old", "job-new"),
        state.waiting().stream().map(QueueEntry::workflowId).toList(), "oldest first");
    assertFalse(holder.granted(), "the holder was granted by the lost queue, not again");
    assertFalse(old.granted() || fresh.granted(), "nobody else got the host");

    queue.release("job-holder");
    RestoreflowTestEnv.awaitTrue(old::granted, "then the oldest waiting job");
    queue.release("job-old");
    RestoreflowTestEnv.awaitTrue(fresh::granted, "then the new one");
    assertHealthy();
  }

  // ---- harness

  private void start(WorkerInterceptor... interceptors) {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder()
            .setWorkerInterceptors(interceptors).build())
        .build());
    server.client = env.getWorkflowClient();
    // a loaded CI machine must not turn a slow first workflow task into a failed one
    Worker worker = env.newWorker(TaskQueues.SERVER, WorkerOptions.newBuilder()
        .setDefaultDeadlockDetectionTimeout(30_000).build());
    worker.registerWorkflowImplementationTypes(HostQueueWorkflowImpl.class, FakeJobImpl.class);
    worker.registerActivitiesImplementations(server);
    env.start();
  }

  private WorkflowClient client() {
    return env.getWorkflowClient();
  }

  private HostQueueWorkflow startQueue() {
    HostQueueWorkflow queue = client().newWorkflowStub(HostQueueWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(TaskQueues.hostQueueWorkflowId(HOST))
            .setTaskQueue(TaskQueues.SERVER).build());
    WorkflowClient.start(queue::run, QueueState.empty(HOST));
    return queue;
  }

  private FakeJob startJob(String workflowId) {
    FakeJob job = client().newWorkflowStub(FakeJob.class, WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId).setTaskQueue(TaskQueues.SERVER).build());
    WorkflowClient.start(job::holdWhenGranted);
    return job;
  }

  private static QueueEntry entry(String workflowId, long submittedAt) {
    return new QueueEntry(workflowId, workflowId.replace("job-", ""), "main1", submittedAt, null);
  }

  private static boolean isRunning(QueueState state, String workflowId) {
    return state.running() != null && state.running().workflowId().equals(workflowId);
  }

  /** Still running, and never a workflow task failure (a crash that wedges the queue). */
  private void assertHealthy() {
    String queueId = TaskQueues.hostQueueWorkflowId(HOST);
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        client().newUntypedWorkflowStub(queueId).describe().getStatus());
    List<EventType> failedTasks = client().fetchHistory(queueId).getEvents().stream()
        .map(e -> e.getEventType())
        .filter(type -> type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).toList();
    assertEquals(List.of(), failedTasks, "the queue's workflow tasks never failed");
  }

  /** A job that takes its grant and then holds the host until it is terminated. */
  @WorkflowInterface
  public interface FakeJob {
    @WorkflowMethod
    void holdWhenGranted();

    @SignalMethod
    void grant();

    @QueryMethod
    boolean granted();
  }

  public static class FakeJobImpl implements FakeJob {
    private boolean granted;

    @Override
    public void holdWhenGranted() {
      Workflow.await(() -> false);
    }

    @Override
    public void grant() {
      granted = true;
    }

    @Override
    public boolean granted() {
      return granted;
    }
  }

  /** The server's local activities, as far as the queue uses them, answering as told. */
  static final class ControlledServer implements ServerActivities {
    volatile WorkflowClient client;
    private final AtomicInteger describeFailures = new AtomicInteger();
    private final AtomicInteger describes = new AtomicInteger();
    private volatile QueueState open;

    void failDescribes(int times) {
      describeFailures.set(times);
    }

    int failuresLeft() {
      return describeFailures.get();
    }

    int describesSeen() {
      return describes.get();
    }

    void openJobs(QueueState state) {
      open = state;
    }

    @Override
    public boolean isWorkflowOpen(String workflowId) {
      describes.incrementAndGet();
      if (describeFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IllegalStateException("UNAVAILABLE: the Temporal frontend did not answer");
      }
      return client.newUntypedWorkflowStub(workflowId).describe().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    }

    @Override
    public QueueState openJobsOn(String host) {
      return open != null ? open : QueueState.empty(host);
    }

    @Override
    public ResolvedRestore resolveRestore(String jobId, RestoreRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public dev.restoreflow.workflows.model.ResolvedBackup resolveBackup(String jobId,
        dev.restoreflow.workflows.model.BackupRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void requestTurn(String host, QueueEntry entry) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<dev.restoreflow.workflows.model.StepInput> catalogTargets(String instance) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void recordJobEvent(JobEvent event) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RestoreEstimate estimateRestore(String instance, String engine, long dataBytes) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String progressMark(String workflowId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ProvenBackup> provenBackups(String instance) {
      throw new UnsupportedOperationException();
    }
  }


  /**
   * Holds the grant signal to one job until the queue has handled a release of that job: the
   * moment when a cancelled job gives the host back while its grant is on its way.
   */
  static final class GrantWaitsForItsRelease extends WorkerInterceptorBase {
    private final String job;

    GrantWaitsForItsRelease(String job) {
      this.job = job;
    }

    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
      Set<String> released = new HashSet<>();
      return new WorkflowInboundCallsInterceptorBase(next) {
        @Override
        public void init(WorkflowOutboundCallsInterceptor outbound) {
          super.init(new WorkflowOutboundCallsInterceptorBase(outbound) {
            @Override
            public SignalExternalOutput signalExternalWorkflow(SignalExternalInput input) {
              String target = input.getExecution().getWorkflowId();
              if (!input.getSignalName().equals("grant") || !target.equals(job)) {
                return super.signalExternalWorkflow(input);
              }
              return new SignalExternalOutput(Async.procedure(() -> {
                Workflow.await(() -> released.contains(target));
                outbound.signalExternalWorkflow(input).getResult().get();
              }));
            }
          });
        }

        @Override
        public void handleSignal(SignalInput input) {
          super.handleSignal(input);
          if (input.getSignalName().equals("release")) {
            released.add((String) input.getArguments()[0]);
          }
        }
      };
    }
  }
}
