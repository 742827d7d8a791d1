package dev.restoreflow.it;

import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.Workers;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import dev.restoreflow.client.Submission;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Temporal server (embedded by default) on a free loopback port, the server's workflow worker in this
 * JVM, and in-process activity workers for the hosts asked for (other hosts can get a worker
 * process of their own).
 */
final class ItTemporal implements AutoCloseable {

  final ItServer server;
  final WorkflowServiceStubs service;
  final WorkflowClient client;
  final RestoreflowClient restoreflow;
  final JobLedger ledger;
  private final WorkerFactory factory;

  private ItTemporal(ItServer server, WorkflowServiceStubs service,
      WorkflowClient client, JobLedger ledger, WorkerFactory factory) {
    this.server = server;
    this.service = service;
    this.client = client;
    this.ledger = ledger;
    this.factory = factory;
    this.restoreflow = new RestoreflowClient(client);
  }

  /**
   * Polls a job until it ends (or {@code limit}), keeping each new {bytesDone, bytesTotal} that
   * the pending activity {@code type}'s heartbeat says.
   */
  List<long[]> heartbeatBytesUntilEnd(Submission job, String type, Duration limit,
      Duration every) throws InterruptedException {
    List<long[]> seen = new ArrayList<>();
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline && !restoreflow.progress(job.jobId()).state().isFinal()) {
      Histories.heartbeatBytes(client, job.workflowId(), type).ifPresent(bytes -> {
        if (seen.isEmpty() || seen.get(seen.size() - 1)[0] != bytes[0]) {
          seen.add(bytes);
        }
      });
      Thread.sleep(every.toMillis());
    }
    return seen;
  }

  static ItServer startServer() {
    return ItServer.embedded();
  }

  static ItTemporal start(ItServer server, RestoreflowConfig config,
      List<String> inProcessHosts) {
    return start(server, config, inProcessHosts, factory -> { });
  }

  /** @param more registers more workers (e.g. fake hosts) before the factory starts */
  static ItTemporal start(ItServer server, RestoreflowConfig config,
      List<String> inProcessHosts, java.util.function.Consumer<WorkerFactory> more) {
    return start(server, config, inProcessHosts, more, System::getenv);
  }

  /** @param environment what the server worker reads webhook URLs and tokens from */
  static ItTemporal start(ItServer server, RestoreflowConfig config,
      List<String> inProcessHosts, java.util.function.Consumer<WorkerFactory> more,
      java.util.function.Function<String, String> environment) {
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(server.target()).build());
    WorkflowClient client = WorkflowClient.newInstance(service);
    JobLedger ledger = new JobLedger(Path.of(config.ledger()));
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Workers.addServer(factory, config, ledger, environment);
    for (String host : inProcessHosts) {
      Workers.addHost(factory, config, host);
    }
    more.accept(factory);
    factory.start();
    return new ItTemporal(server, service, client, ledger, factory);
  }

  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    service.shutdown();
    service.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    ledger.close();
    server.close();
  }
}
