package dev.restoreflow.worker;

import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.observe.SdkMetrics;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.LedgerReconciler;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.config.ConfigException;
import dev.restoreflow.worker.gateway.LineGateway;
import dev.restoreflow.worker.http.HttpApi;
import dev.restoreflow.worker.nats.NatsGateway;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import dev.restoreflow.worker.temporal.TemporalConnections;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "server", description = "Run the workflow worker (job orchestration, host queues, ledger).")
final class ServerCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    RestoreflowConfig cfg = config.load();
    Path logDir = WritablePaths.directory("logDir", config.resolve(cfg.logDir()));
    Path ledgerFile = WritablePaths.file("ledger", config.resolve(cfg.ledger()));
    Logging.init(logDir, "INFO", "server");
    SdkMetrics sdkMetrics = new SdkMetrics();
    WorkflowServiceStubs service = Temporal.connect(cfg.temporal(), sdkMetrics);
    WorkflowClient client = Temporal.client(service, cfg.temporal());
    try (JobLedger ledger = openLedger(ledgerFile)) {
      WorkerFactory factory = WorkerFactory.newInstance(client);
      Workers.addServer(factory, cfg, ledger);
      factory.start();
      LineGateway gateway = LineGateway.forConfig(cfg, new RestoreflowClient(client), ledger);
      HttpApi http = HttpApi.forConfig(cfg, new RestoreflowClient(client), ledger);
      NatsGateway nats = NatsGateway.forConfig(cfg, new RestoreflowClient(client), ledger);
      ObservabilityRoutes observability =
          ObservabilityRoutes.mount(http, cfg, ledger, service, client, sdkMetrics);
      LedgerReconciler reconciler = LedgerReconciler.start(ledger, client, LedgerReconciler.EVERY);
      LoggerFactory.getLogger(ServerCommand.class).info(
          "restoreflow server up: Temporal {}, {} instances, ledger {}, HTTP API {},"
              + " NATS gateway {}",
          TemporalConnections.describe(cfg.temporal()), cfg.instances().size(),
          ledgerFile, http == null ? "off" : cfg.http().bind() + ":" + http.port(),
          nats == null ? "off" : nats.url() + " " + nats.subjectPrefix() + ".*");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        if (http != null) {
          http.close();
          closeQuietly(observability);
        }
        if (gateway != null) {
          gateway.close();
        }
        if (nats != null) {
          nats.close();
        }
        reconciler.close();
        factory.shutdown();
        service.shutdown();
      }));
      Temporal.awaitForever();
    }
    return 0;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LoggerFactory.getLogger(ServerCommand.class).debug("closing {}: {}", closeable, e.toString());
    }
  }

  private static JobLedger openLedger(Path file) {
    try {
      return new JobLedger(file);
    } catch (IllegalStateException e) {
      throw new ConfigException("ledger", e.getMessage());
    }
  }
}
