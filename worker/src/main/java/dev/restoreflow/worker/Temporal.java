package dev.restoreflow.worker;

import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.worker.observe.SdkMetrics;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;

/** Connections to the Temporal server named in the config. */
final class Temporal {

  private Temporal() {}

  static WorkflowServiceStubs connect(TemporalConfig config) {
    return connect(config, null);
  }

  /**
   * @param metrics where the SDK's own metrics go (the server's /metrics); the worker factories
   *     built on these stubs report there too; null = nowhere
   */
  static WorkflowServiceStubs connect(TemporalConfig config, SdkMetrics metrics) {
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(config.target());
    if (metrics != null) {
      options.setMetricsScope(metrics.scope());
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(options.build());
    try {
      service.blockingStub().withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } catch (RuntimeException e) {
      service.shutdownNow();
      throw new IllegalStateException("cannot reach the Temporal server at " + config.target()
          + " (" + e.getMessage() + "); start one (e.g. `./restoreflow dev`) or fix temporal.target"
          + " in the config");
    }
    return service;
  }

  static WorkflowClient client(WorkflowServiceStubs service, TemporalConfig config) {
    return WorkflowClient.newInstance(service,
        WorkflowClientOptions.newBuilder().setNamespace(config.namespace()).build());
  }

  static void awaitForever() throws InterruptedException {
    while (true) {
      Thread.sleep(Duration.ofHours(1).toMillis());
    }
  }
}
