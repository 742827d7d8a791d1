package dev.restoreflow.it;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * bench/gateway-load's floor: N workflow starts and nothing else (a task queue nobody polls),
 * over C threads, against the same Temporal server. Every job is at least one start, so what the
 * server spends on a bare start bounds the gateway's rate from below on this machine.
 *
 * <p>Usage: {@code BareStarts TEMPORAL_TARGET N C}
 */
public final class BareStarts {

  private BareStarts() {}

  public static void main(String[] args) throws Exception {
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    WorkflowClient client = WorkflowClient.newInstance(service);
    int n = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    String queue = "gateway-load-floor-" + UUID.randomUUID();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> starts = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < n; i++) {
      String id = queue + "-" + i;
      starts.add(pool.submit(() -> client.newUntypedWorkflowStub("GatewayLoadFloor",
          WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(queue).build()).start()));
    }
    for (Future<?> start : starts) {
      start.get(10, TimeUnit.MINUTES);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    pool.shutdown();
    System.out.printf("floor: %d bare workflow starts over %d threads in %.2f s = %.0f starts/s%n",
        n, threads, seconds, n / seconds);
    service.shutdown();
  }
}
