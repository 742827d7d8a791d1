package dev.restoreflow.it;

import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.temporal.TemporalCliServer;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The real Temporal dev server (the {@code temporal} CLI) with its state in a sandbox's state
 * dir, a config file of that sandbox for restoreflow's own server and worker processes (the
 * ledger beside it), and a client of the dev server in the test's JVM. The dev server can be
 * stopped and started again on the same state and address (an outage).
 */
final class DevServerRig implements AutoCloseable {

  final Path configFile;
  final WorkflowServiceStubs service;
  final WorkflowClient client;
  final RestoreflowClient restoreflow;
  private final Path state;
  private TemporalCliServer temporal;

  private DevServerRig(Path state, TemporalCliServer temporal, Path configFile,
      WorkflowServiceStubs service) {
    this.state = state;
    this.temporal = temporal;
    this.configFile = configFile;
    this.service = service;
    this.client = WorkflowClient.newInstance(service);
    this.restoreflow = new RestoreflowClient(client);
  }

  static DevServerRig start(ItSandbox sandbox) throws IOException {
    Path state = sandbox.stateDir().resolve("temporal");
    TemporalCliServer temporal = TemporalCliServer.start(ItServer.temporalCli(), state);
    try {
      RestoreflowConfig config = ItSandbox.config(temporal.target(),
          sandbox.stateDir().resolve("ledger.db"), sandbox);
      Path configFile = RestoreflowProcess.writeConfig(config,
          sandbox.stateDir().resolve("config.json"));
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
      return new DevServerRig(state, temporal, configFile, service);
    } catch (IOException | RuntimeException e) {
      temporal.close();
      throw e;
    }
  }

  String target() {
    return temporal.target();
  }

  /** Stops the dev server (its state stays). */
  void stopServer() {
    temporal.close();
  }

  /** Starts the dev server again on the same state. */
  void startServerAgain() throws IOException {
    temporal = TemporalCliServer.start(ItServer.temporalCli(), state);
  }

  @Override
  public void close() {
    service.shutdownNow();
    temporal.close();
  }
}
