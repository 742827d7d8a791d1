package dev.restoreflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.restoreflow.worker.config.HttpConfig;
import dev.restoreflow.worker.config.LineGatewayConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.activities.cluster.UnfinishedRestore;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.ledger.LedgerReconciler;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.gateway.LineGateway;
import dev.restoreflow.worker.http.HttpApi;
import dev.restoreflow.worker.config.NatsConfig;
import dev.restoreflow.worker.nats.LocalNatsServer;
import dev.restoreflow.worker.nats.NatsGateway;
import dev.restoreflow.worker.sandbox.RestoresInFlight;
import dev.restoreflow.worker.sandbox.Sandbox;
import dev.restoreflow.worker.temporal.EmbeddedTemporalServer;
import dev.restoreflow.worker.temporal.TemporalCliServer;
import dev.restoreflow.worker.observe.SdkMetrics;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The embedded default: a Temporal server on 127.0.0.1 (the real {@code temporal} CLI dev server
 * when it is on PATH, else the in-process Java test server), the sandbox cluster with a backup,
 * the server's workflow worker and the sandbox host's activity worker. Started again on the same
 * state, the jobs that were running resume (with the CLI dev server, whose state is on disk);
 * the sandbox cluster is not started while one of them is restoring it.
 */
final class DevEnvironment implements AutoCloseable {

  static final String INSTANCE = "main1";
  static final String HOST = "local";

  final Sandbox sandbox;
  final RestoreflowConfig config;
  final String temporalDescription;
  final RestoreflowClient restoreflow;
  private final AutoCloseable temporalServer;
  private final WorkflowServiceStubs service;
  private final WorkerFactory factory;
  private final JobLedger ledger;
  private final LedgerReconciler reconciler;
  final LineGateway gateway;
  final HttpApi http;
  /** The NATS gateway on {@link #natsServer}; null when no nats-server is installed. */
  final NatsGateway nats;
  private final LocalNatsServer natsServer;

  private DevEnvironment(Sandbox sandbox, RestoreflowConfig config, String temporalDescription,
      AutoCloseable temporalServer, WorkflowServiceStubs service, WorkerFactory factory,
      JobLedger ledger, LineGateway gateway, HttpApi http, LocalNatsServer natsServer,
      NatsGateway nats) {
    this.gateway = gateway;
    this.http = http;
    this.natsServer = natsServer;
    this.nats = nats;
    this.sandbox = sandbox;
    this.config = config;
    this.temporalDescription = temporalDescription;
    this.temporalServer = temporalServer;
    this.service = service;
    this.factory = factory;
    this.ledger = ledger;
    this.reconciler = LedgerReconciler.start(ledger, factory.getWorkflowClient(),
        LedgerReconciler.EVERY);
    this.restoreflow = new RestoreflowClient(factory.getWorkflowClient());
  }

  static DevEnvironment start(Path stateDir, String pgBin, boolean embeddedOnly, PrintStream out)
      throws IOException {
    Sandbox sandbox = Sandbox.openWithoutStarting(stateDir, INSTANCE, HOST, pgBin,
        new LocalCommandRunner(Redactor.NONE));
    JobLedger ledger = new JobLedger(sandbox.ledgerFile());
    Optional<Path> cli = embeddedOnly ? Optional.empty() : TemporalCliServer.find();
    boolean running = startCluster(sandbox, ledger, cli.isPresent(), out);
    if (running && sandbox.backups().isEmpty()) {
      out.println("sandbox: loading demo data and taking a FULL backup ...");
      sandbox.loadDemoData(20_000);
      sandbox.backup("FULL");
    }
    AutoCloseable server;
    String target;
    String description;
    if (cli.isPresent()) {
      TemporalCliServer real = TemporalCliServer.start(cli.get(), stateDir.resolve("temporal"));
      server = real;
      target = real.target();
      description = "temporal CLI dev server on " + target + ", state in "
          + stateDir.resolve("temporal") + "\nWeb UI:    " + real.webUi();
    } else {
      EmbeddedTemporalServer embedded = EmbeddedTemporalServer.start(0);
      server = embedded;
      target = embedded.target();
      description = "embedded Temporal test server on " + target
          + (embeddedOnly ? " (asked for with --embedded)" : " (no `temporal` CLI found)")
          + ": in memory, jobs are lost when this process ends; no Web UI, no Schedules"
          + " (cron workflows instead). `scripts/setup` installs the CLI into .venv/ for a"
          + " durable server with the Web UI";
    }
    RestoreflowConfig config = sandbox.config(target);
    LineGatewayConfig line = config.lineGateway();
    if (!LoopbackPorts.isFree(line.port())) {
      out.println("port " + line.port() + " is taken: the line gateway listens on a free port");
      config = config.withLineGateway(line.withPort(0));
    }
    HttpConfig http = config.http();
    if (!LoopbackPorts.isFree(http.port())) {
      out.println("port " + http.port() + " is taken: the HTTP API listens on a free port");
      config = config.withHttp(http.withPort(0));
    }
    LocalNatsServer natsServer = startNatsServer(stateDir, out);
    if (natsServer != null) {
      config = config.withNats(NatsConfig.of(natsServer.url(), INSTANCE));
    }
    Files.writeString(sandbox.stateDir().resolve("config.json"), new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(config));
    SdkMetrics sdkMetrics = new SdkMetrics();
    WorkflowServiceStubs service = Temporal.connect(config.temporal(), sdkMetrics);
    WorkflowClient client = Temporal.client(service, config.temporal());
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Workers.addServer(factory, config, ledger);
    Workers.addHost(factory, config, HOST);
    factory.start();
    LineGateway gateway = LineGateway.forConfig(config, new RestoreflowClient(client), ledger);
    HttpApi api = HttpApi.forConfig(config, new RestoreflowClient(client), ledger);
    ObservabilityRoutes.mount(api, config, ledger, service, client, sdkMetrics);
    NatsGateway nats = NatsGateway.forConfig(config, new RestoreflowClient(client), ledger);
    return new DevEnvironment(sandbox, config, description, server, service, factory, ledger,
        gateway, api, natsServer, nats);
  }

  /** A nats-server on a free loopback port when one is installed, else null (and why). */
  private static LocalNatsServer startNatsServer(Path stateDir, PrintStream out) {
    Optional<Path> binary = LocalNatsServer.find();
    if (binary.isEmpty()) {
      out.println("NATS:      no nats-server at " + LocalNatsServer.DEBIAN_BINARY + ": the NATS"
          + " gateway is off (apt-get install nats-server, or scripts/setup)");
      return null;
    }
    try {
      Files.createDirectories(stateDir.resolve("Logs"));
      return LocalNatsServer.start(binary.get(), stateDir.resolve("Logs").resolve(
          "nats-server.log"));
    } catch (IOException e) {
      out.println("NATS:      nats-server did not start (" + e.getMessage() + "): the NATS"
          + " gateway is off");
      return null;
    }
  }

  /**
   * Starts the sandbox cluster, unless a job that Temporal will resume is restoring it (the
   * ledger says so): that job starts it when it ends. Nor is it started when a restore did not
   * finish (its marker is beside the data directory) or the directory holds no cluster. A
   * cluster that is not started, or does not start, is reported, and dev comes up anyway, so
   * that a restore can mend it.
   *
   * @param jobsResume whether the Temporal server keeps its jobs across restarts (the CLI dev
   *     server does; the embedded one starts empty)
   * @return whether the cluster runs
   */
  private static boolean startCluster(Sandbox sandbox, JobLedger ledger, boolean jobsResume,
      PrintStream out) {
    String notStarted = "sandbox cluster " + sandbox.name() + " not started: ";
    String restore = "./restoreflow restore --config " + sandbox.stateDir().resolve("config.json")
        + " --instance " + sandbox.name();
    Optional<JobRow> restoring = RestoresInFlight.of(ledger, sandbox.name());
    if (restoring.isPresent()) {
      JobRow job = restoring.get();
      String step = job.currentStep() != null ? " (" + job.currentStep() + ")" : "";
      out.println(jobsResume
          ? notStarted + "job " + job.jobId() + " is restoring it" + step
              + "; it starts when the job ends"
          : notStarted + "job " + job.jobId() + " was restoring it" + step + " and the embedded"
              + " Temporal server does not keep jobs across restarts; restore it: " + restore);
      return false;
    }
    Optional<String> unfinished = sandbox.unfinishedRestore();
    if (unfinished.isPresent()) {
      out.println(notStarted + UnfinishedRestore.refusal(sandbox.instance(), unfinished.get())
          + ": " + restore);
      return false;
    }
    if (!sandbox.hasCluster()) {
      out.println(notStarted + "its data directory " + sandbox.instance().pgdata()
          + " holds no cluster (a restore did not finish); restore it: " + restore);
      return false;
    }
    try {
      sandbox.start();
      return true;
    } catch (RuntimeException e) {
      out.println("sandbox cluster " + sandbox.name() + " did not start (" + e.getMessage()
          + "); if a restore did not finish, restore it: " + restore);
      return false;
    }
  }

  JobLedger ledger() {
    return ledger;
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (nats != null) {
      nats.close();
    }
    if (natsServer != null) {
      natsServer.close();
    }
    reconciler.close();
    factory.shutdown();
    factory.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    service.shutdown();
    service.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    ledger.close();
    try {
      temporalServer.close();
    } catch (Exception ignored) {
      // the server goes with the process anyway
    }
  }
}
