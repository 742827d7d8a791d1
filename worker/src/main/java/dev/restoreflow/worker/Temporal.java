package dev.restoreflow.worker;

import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.worker.observe.SdkMetrics;
import dev.restoreflow.worker.temporal.TemporalConnections;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;

/**
 * Connections to the Temporal server named in the config: its target, namespace, TLS and API key
 * (see {@link TemporalConnections}).
 */
final class Temporal {

  private Temporal() {}

  static WorkflowServiceStubs connect(TemporalConfig config) {
    return connect(config, null);
  }

  /**
   * Stubs to a server that answers and has the config's namespace.
   *
   * @param metrics where the SDK's own metrics go (the server's /metrics); the worker factories
   *     built on these stubs report there too; null = nowhere
   * @throws IllegalStateException in one line saying what to check, when the server does not
   *     answer
   */
  static WorkflowServiceStubs connect(TemporalConfig config, SdkMetrics metrics) {
    return TemporalConnections.connect(config, metrics == null ? null : metrics.scope());
  }

  /** Stubs without a first call: for {@code status}, which reports a server that does not answer. */
  static WorkflowServiceStubs stubs(TemporalConfig config) {
    return TemporalConnections.stubs(config);
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
