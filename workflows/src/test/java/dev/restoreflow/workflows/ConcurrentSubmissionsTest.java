package dev.restoreflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.restoreflow.client.HostQueues;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.RestoreRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many submissions at once through one client (the line gateway's): a host's queue is one
 * workflow, which Temporal lets answer one query at a time while it works (it refuses the others,
 * and the SDK retries them a second later), so the client asks it one query at a time.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConcurrentSubmissionsTest {

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
  void twentySubmissionsAtOnceGetTheirPlacesAndQueryTheirHostsQueueOneAtATime()
      throws Exception {
    // the host is held, so every job waits and keeps its place
    env.client().newUntypedWorkflowStub("HoldForever", WorkflowOptions.newBuilder()
        .setWorkflowId("occupant").setTaskQueue(TaskQueues.SERVER).build()).start();
    HostQueues.enter(env.client(), "A", new QueueEntry("occupant", "occupant", "main1", 0, null));
    QueueQueries queueQueries = new QueueQueries();
    RestoreflowClient restoreflow = new RestoreflowClient(WorkflowClient.newInstance(
        env.testEnvironment().getWorkflowServiceStubs(), WorkflowClientOptions.newBuilder()
            .setNamespace(env.client().getOptions().getNamespace())
            .setInterceptors(queueQueries).build()));

    ExecutorService gateway = Executors.newFixedThreadPool(20);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Submission>> submitted = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      submitted.add(gateway.submit(() -> {
        go.await();
        return restoreflow.submit(RestoreRequest.of("main1").withHost("A"));
      }));
    }
    go.countDown();
    List<Integer> positions = new ArrayList<>();
    for (Future<Submission> job : submitted) {
      positions.add(job.get(1, TimeUnit.MINUTES).queuePosition());
    }
    gateway.shutdown();

    assertEquals(java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList(),
        positions.stream().sorted().toList(), "each job its own place behind the occupant");
    assertEquals(1, queueQueries.mostAtOnce.get(), "queries of host A's queue at once");
  }

  /** Counts the client's {@code queue} queries in flight. */
  private static final class QueueQueries extends WorkflowClientInterceptorBase {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();

    @Override
    public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
        WorkflowClientCallsInterceptor next) {
      return new WorkflowClientCallsInterceptorBase(next) {
        @Override
        public <R> QueryOutput<R> query(QueryInput<R> input) {
          if (!input.getQueryType().equals("queue")) {
            return super.query(input);
          }
          mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          try {
            return super.query(input);
          } finally {
            inFlight.decrementAndGet();
          }
        }
      };
    }
  }
}
