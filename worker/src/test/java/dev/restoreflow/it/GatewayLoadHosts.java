package dev.restoreflow.it;

import dev.restoreflow.workflows.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.util.List;

/**
 * bench/gateway-load's host worker: {@link InstantHost}s (no commands) for the hosts named, so
 * that the load measures the way in (gateway, submission, queue) and not PostgreSQL. In
 * {@code held} mode every job waits at PlanRestore, as in LineGatewayIT's load test, and the
 * queues grow; in {@code instant} mode jobs run their (instant) steps as soon as they get the host.
 *
 * <p>Usage: {@code GatewayLoadHosts TEMPORAL_TARGET held|instant HOST...}; prints {@code ready}.
 */
public final class GatewayLoadHosts {

  private GatewayLoadHosts() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 3 || !List.of("held", "instant").contains(args[1])) {
      System.err.println("usage: GatewayLoadHosts TEMPORAL_TARGET held|instant HOST...");
      System.exit(2);
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(service));
    for (String host : List.of(args).subList(2, args.length)) {
      InstantHost fake = new InstantHost(host);
      if (args[1].equals("held")) {
        fake.close();
      }
      factory.newWorker(TaskQueues.forHost(host)).registerActivitiesImplementations(fake);
    }
    factory.start();
    System.out.println("ready");
    Thread.currentThread().join();
  }
}
