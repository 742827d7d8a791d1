package dev.restoreflow.activities.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.restoreflow.activities.config.Inventory;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.client.HostQueues;
import dev.restoreflow.workflows.HostQueueWorkflowImpl;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.QueueEntry;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's requestTurn against a real host queue: a job's first request is a signal and
 * nothing else; an ask again looks at the queue first and sends nothing to a queue that knows
 * the job.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RequestTurnTest {

  @TempDir
  Path dir;

  private TestWorkflowEnvironment env;
  private JobLedger ledger;
  private final AtomicInteger queueQueries = new AtomicInteger();
  private ServerActivitiesImpl server;

  /** Holds the host once granted, and never gives it back. */
  @WorkflowInterface
  public interface Occupant {
    @WorkflowMethod
    void hold();

    @SignalMethod
    void grant();
  }

  public static class OccupantImpl implements Occupant {
    @Override
    public void hold() {
      Workflow.await(() -> false);
    }

    @Override
    public void grant() {
    }
  }

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    ledger = new JobLedger(dir.resolve("ledger.db"));
    WorkflowClient counted = WorkflowClient.newInstance(env.getWorkflowServiceStubs(),
        WorkflowClientOptions.newBuilder().setNamespace(env.getNamespace())
            .setInterceptors(new CountQueueQueries()).build());
    server = new ServerActivitiesImpl(new Inventory(Map.of(), Map.of()), ledger, counted);
    var worker = env.newWorker(TaskQueues.SERVER);
    worker.registerWorkflowImplementationTypes(HostQueueWorkflowImpl.class, OccupantImpl.class);
    worker.registerActivitiesImplementations(server);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
    ledger.close();
  }

  @Test
  void aJobsFirstRequestIsOneSignalAndAnAskAgainOfAQueueThatKnowsItSendsNothing()
      throws Exception {
    WorkflowClient.start(env.getWorkflowClient().newWorkflowStub(Occupant.class,
        WorkflowOptions.newBuilder().setWorkflowId("occupant").setTaskQueue(TaskQueues.SERVER)
            .build())::hold);
    HostQueues.enter(env.getWorkflowClient(), "h1",
        new QueueEntry("occupant", "occupant", "i1", 0, null));
    QueueEntry job = new QueueEntry("restore-j1", "j1", "i1", System.currentTimeMillis(),
        QueueEntry.RESTORE);

    server.requestTurn("h1", job);
    assertEquals(0, queueQueries.get(), "the first request does not query the queue");
    awaitPosition(job, 1);

    server.requestTurn("h1", job);
    assertEquals(1, queueQueries.get(), "an ask again looks whether the queue knows the job");
    assertEquals(2, requestSignals(), "the occupant's and the job's first request, nothing more");
  }

  private void awaitPosition(QueueEntry job, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (HostQueues.state(env.getWorkflowClient(), "h1").positionOf(job.workflowId())
        != expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(job.jobId() + " never reached position " + expected);
      }
      Thread.sleep(20);
    }
  }

  private long requestSignals() {
    return env.getWorkflowClient().fetchHistory(TaskQueues.hostQueueWorkflowId("h1")).getEvents()
        .stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .filter(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName()
            .equals("request"))
        .count();
  }

  private final class CountQueueQueries extends WorkflowClientInterceptorBase {
    @Override
    public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
        WorkflowClientCallsInterceptor next) {
      return new WorkflowClientCallsInterceptorBase(next) {
        @Override
        public <R> QueryOutput<R> query(QueryInput<R> input) {
          if (input.getQueryType().equals("queue")) {
            queueQueries.incrementAndGet();
          }
          return super.query(input);
        }
      };
    }
  }
}
