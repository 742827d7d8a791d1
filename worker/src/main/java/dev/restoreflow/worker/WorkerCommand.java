package dev.restoreflow.worker;

import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.TaskQueues;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.util.concurrent.Callable;
import dev.restoreflow.worker.temporal.TemporalConnections;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker", description = "Run the activity worker of one database host.")
final class WorkerCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Option(names = "--host", required = true, paramLabel = "HOST", description = "a host of the config")
  String host;

  @Override
  public Integer call() throws Exception {
    RestoreflowConfig cfg = config.load();
    if (!cfg.hosts().containsKey(host)) {
      throw new IllegalArgumentException("host '" + host + "' is not in " + config.file
          + "; configured: " + cfg.hosts().keySet());
    }
    Logging.init(WritablePaths.directory("logDir", config.resolve(cfg.logDir())), "INFO",
        "worker-" + host);
    WorkflowServiceStubs service = Temporal.connect(cfg.temporal());
    WorkerFactory factory = WorkerFactory.newInstance(Temporal.client(service, cfg.temporal()));
    Workers.addHost(factory, cfg, host);
    factory.start();
    RepositoryCheck.startFor(new HostServices(cfg.inventory(), new ConfiguredHosts(cfg)), host);
    LoggerFactory.getLogger(WorkerCommand.class).info("restoreflow worker for host {} polls {}"
        + " and {} on Temporal {}", host, TaskQueues.forHost(host), TaskQueues.forHostReads(host),
        TemporalConnections.describe(cfg.temporal()));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      factory.shutdown();
      service.shutdown();
    }));
    Temporal.awaitForever();
    return 0;
  }
}
