package dev.restoreflow.worker.temporal;

import com.uber.m3.tally.Scope;
import dev.restoreflow.worker.config.TemporalConfig;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every connection restoreflow makes to the Temporal server of its config (server, workers, CLI
 * commands, gateways) is built here: target, TLS or mutual TLS, server name, API key. A
 * connection that fails comes out as one line saying what to check.
 */
public final class TemporalConnections {

  private static final Logger log = LoggerFactory.getLogger(TemporalConnections.class);

  private static final long CHECK_SECONDS = 10;

  private TemporalConnections() {}

  /**
   * The stubs' options for this config.
   *
   * @param metrics where the SDK's own metrics go; null = nowhere
   * @param env where {@code temporal.apiKeyEnv} is looked up
   */
  public static WorkflowServiceStubsOptions options(TemporalConfig config, Scope metrics,
      Map<String, String> env) {
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(config.target());
    TemporalConfig.Tls tls = config.tls();
    if (tls != null) {
      options.setSslContext(TemporalTls.sslContext(tls));
      if (tls.serverName() != null) {
        String serverName = tls.serverName();
        options.setChannelInitializer(channel -> channel.overrideAuthority(serverName));
      }
    }
    String apiKey = TemporalApiKey.read(config, env);
    if (apiKey != null) {
      options.addApiKey(() -> apiKey);
      if (tls == null) {
        // the SDK turns TLS on for an API key; the config allowed plaintext explicitly
        options.setEnableHttps(false);
      }
    }
    if (metrics != null) {
      options.setMetricsScope(metrics);
    }
    return options.build();
  }

  /** Stubs without asking the server anything (e.g. {@code status}, which reports a failure). */
  public static WorkflowServiceStubs stubs(TemporalConfig config) {
    return WorkflowServiceStubs.newServiceStubs(options(config, null, System.getenv()));
  }

  /**
   * Stubs to a server that answers and has the namespace.
   *
   * @throws IllegalStateException in one line saying what to check, when it does not
   */
  public static WorkflowServiceStubs connect(TemporalConfig config, Scope metrics) {
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        options(config, metrics, System.getenv()));
    try {
      service.blockingStub().withDeadlineAfter(CHECK_SECONDS, TimeUnit.SECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      describeNamespace(service, config.namespace());
    } catch (RuntimeException e) {
      service.shutdownNow();
      throw new IllegalStateException(ConnectFailure.explain(config, e));
    }
    // debug: every CLI command connects, and its output (--json) is for scripts; the server and
    // the worker say how they connected at INFO themselves (TemporalConnections.describe)
    log.debug("connected to Temporal: {}", describe(config));
    return service;
  }

  /** Where Temporal is and how the connection is secured, for the services' startup log. */
  public static String describe(TemporalConfig config) {
    return config.target() + ", namespace " + config.namespace() + ": " + security(config);
  }

  /** How the connection is secured, in words (paths and variable names, never the key). */
  static String security(TemporalConfig config) {
    TemporalConfig.Tls tls = config.tls();
    String how = tls == null ? "plaintext"
        : (tls.certFile() != null ? "mutual TLS (client certificate " + tls.certFile() + ")"
            : "TLS") + ", trusting " + (tls.caFile() != null ? tls.caFile() : "the JVM's CAs")
            + (tls.serverName() != null ? ", server name " + tls.serverName() : "");
    if (config.apiKeyEnv() != null) {
      how += ", API key from $" + config.apiKeyEnv();
    } else if (config.apiKeyFile() != null) {
      how += ", API key from " + config.apiKeyFile();
    }
    return how;
  }

  /** The embedded test server does not implement DescribeNamespace: nothing to check there. */
  private static void describeNamespace(WorkflowServiceStubs service, String namespace) {
    try {
      service.blockingStub().withDeadlineAfter(CHECK_SECONDS, TimeUnit.SECONDS)
          .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(namespace)
              .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
    }
  }

  /** One line for a failed call: what went wrong and which config key to check. */
  public static String explain(TemporalConfig config, RuntimeException e) {
    return ConnectFailure.explain(config, e);
  }
}
