package dev.restoreflow.it;

import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BaseBackupCatalog;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.probackup.BackupInfo;
import dev.restoreflow.activities.probackup.ProbackupConfig;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.config.LineGatewayConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.worker.temporal.TemporalCliServer;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the chaos runs kill and check, all real and all on host "local": the Temporal CLI's dev
 * server (state on disk), {@code restoreflow server} and {@code restoreflow worker --host local}
 * as processes, two PostgreSQL clusters — {@code pb1} (pg_probackup, the simulator's catalog) and
 * {@code bb1} (basebackup, in s3proxy behind a {@link CountingProxy} that can slow transfers).
 */
final class ChaosRig implements AutoCloseable {

  static final String HOST = "local";
  static final String PB = "pb1";
  static final String BB = "bb1";
  private static final String BUCKET = "pg-backups";

  final ItSandbox pb;
  final ItSandbox bb;
  final S3Server s3;
  final CountingProxy s3Proxy;
  final BaseBackupConfig repository;
  final Path dir;
  final Path configFile;
  private final Path temporalState;
  private final Path processLog;
  private TemporalCliServer temporal;
  private WorkflowServiceStubs service;
  WorkflowClient client;
  RestoreflowClient restoreflow;
  Supervised server;
  Supervised worker;

  private ChaosRig(ItSandbox pb, ItSandbox bb, S3Server s3, CountingProxy s3Proxy, Path dir,
      TemporalCliServer temporal) {
    this.pb = pb;
    this.bb = bb;
    this.s3 = s3;
    this.s3Proxy = s3Proxy;
    // uncompressed, in 5 MiB parts, two ranges at a time: a download the proxy can slow evenly;
    // the processes reach it through the proxy, the checks directly
    this.repository = new BaseBackupConfig("s3://" + BUCKET + "/chaos", s3.endpoint, null, true,
        S3Server.ACCESS_KEY_ENV, S3Server.SECRET_KEY_ENV, "none", 2, 5, null);
    this.dir = dir;
    this.configFile = dir.resolve("config.json");
    this.temporalState = dir.resolve("temporal");
    this.processLog = dir.resolve("processes.log");
    this.temporal = temporal;
  }

  /** Sets everything up and starts it; the rig's own files go under {@code dir}. */
  static ChaosRig start(Path dir, int demoAccounts) throws Exception {
    Files.createDirectories(dir);
    // the dev server starts while the clusters are made
    CompletableFuture<TemporalCliServer> temporal = CompletableFuture.supplyAsync(() -> {
      try {
        return TemporalCliServer.start(ItServer.temporalCli(), dir.resolve("temporal"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    List<AutoCloseable> made = new ArrayList<>();
    try {
      ItSandbox pb = made(made, ItSandbox.create(PB, HOST));
      ItSandbox bb = made(made, ItSandbox.create(BB, HOST));
      pb.sandbox.loadDemoData(demoAccounts);
      bb.sandbox.loadDemoData(demoAccounts);
      S3Server s3 = made(made, S3Server.start(dir));
      s3.createBucket(BUCKET);
      CountingProxy proxy = made(made, new CountingProxy(URI.create(s3.endpoint).getPort(), 0));
      ChaosRig rig = new ChaosRig(pb, bb, s3, proxy, dir, temporal.join());
      made.clear();
      try {
        rig.startRestoreflow();
        return rig;
      } catch (Exception e) {
        rig.close();
        throw e;
      }
    } catch (Exception e) {
      temporal.thenAccept(TemporalCliServer::close);
      for (int i = made.size() - 1; i >= 0; i--) {
        made.get(i).close();
      }
      throw e;
    }
  }

  private static <T extends AutoCloseable> T made(List<AutoCloseable> made, T part) {
    made.add(part);
    return part;
  }

  /** The config (both clusters on host "local"), then {@code server} and {@code worker}. */
  private void startRestoreflow() throws IOException {
    InstanceConfig basebackup = bb.instance.withEngine(BaseBackupEngine.NAME)
        .withSettings(new BaseBackupConfig(repository.repository(), s3Proxy.endpoint(), null,
            true, repository.accessKeyEnv(), repository.secretKeyEnv(),
            repository.compression(), repository.parallelDownloads(), repository.partSizeMiB(),
            null));
    Map<String, InstanceConfig> instances = new LinkedHashMap<>();
    instances.put(PB, pb.instance);
    instances.put(BB, basebackup);
    RestoreflowConfig config = new RestoreflowConfig(
        new TemporalConfig(temporal.target(), "default"), dir.resolve("ledger.db").toString(),
        dir.resolve("Logs").toString(), Map.of(HOST, new HostConfig(HostConfig.LOCAL)), instances,
        // no line gateway, no HTTP API: their default ports may be another test's
        new LineGatewayConfig(false, null, null, null, null, null, null, null, null),
        dev.restoreflow.worker.config.HttpConfig.off());
    RestoreflowProcess.writeConfig(config, configFile);
    service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
    client = WorkflowClient.newInstance(service);
    restoreflow = new RestoreflowClient(client);
    server = new Supervised("server", () -> RestoreflowProcess.server(configFile, processLog));
    worker = new Supervised("worker",
        () -> RestoreflowProcess.worker(configFile, HOST, processLog, s3.environment()));
  }

  ItSandbox sandbox(String instance) {
    return instance.equals(PB) ? pb : bb;
  }

  // ------------------------------------------------------------------------- kills, restarts

  void killTemporal() throws InterruptedException {
    temporal.kill();
  }

  /** The dev server again, on its state on disk and at its address. */
  void restartTemporal() throws IOException {
    String before = temporal.target();
    temporal = TemporalCliServer.start(ItServer.temporalCli(), temporalState);
    if (!before.equals(temporal.target())) {
      throw new IllegalStateException("the restarted Temporal dev server moved from " + before
          + " to " + temporal.target() + " (its port was taken)");
    }
  }

  // ------------------------------------------------------------------------- backups, data

  /** Backup ids pg_probackup lists as OK. */
  Set<String> validProbackups() {
    return pb.sandbox.backups().stream().filter(b -> "OK".equals(b.status()))
        .map(BackupInfo::id).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Backup ids with a backup.json (a finished basebackup) in the repository. */
  Set<String> validBasebackups() throws Exception {
    try (ObjectStore store = ObjectStores.open(repository, s3.environment()::get)) {
      return new BaseBackupCatalog(store, BB).backups().stream().map(BackupMeta::id)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  Set<String> validBackups(String instance) throws Exception {
    return instance.equals(PB) ? validProbackups() : validBasebackups();
  }

  /** Files in a data directory (what the pg_probackup throttle counts per file). */
  static long files(Path pgdata) throws IOException {
    try (Stream<Path> walk = Files.walk(pgdata)) {
      return walk.filter(Files::isRegularFile).count();
    }
  }

  static long bytes(Path pgdata) throws IOException {
    try (Stream<Path> walk = Files.walk(pgdata)) {
      return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  List<Supervised> restoreflowProcesses() {
    return List.of(server, worker);
  }

  /** The data directories and the pg_probackup catalog: what a job's commands name. */
  List<String> jobPaths() {
    return List.of(pb.instance.pgdata(), bb.instance.pgdata(),
        pb.instance.settings(ProbackupConfig.class).catalog());
  }

  /** The server's view of a workflow (state, pending activities); fails fast while it is down. */
  DescribeWorkflowExecutionResponse describe(String workflowId) {
    return service.blockingStub().withDeadlineAfter(5, TimeUnit.SECONDS)
        .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build());
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable part : new AutoCloseable[] {worker, server,
        service == null ? null : service::shutdownNow, temporal, s3Proxy, s3, pb, bb}) {
      if (part != null) {
        try {
          part.close();
        } catch (Exception e) {
          org.slf4j.LoggerFactory.getLogger(ChaosRig.class).warn("closing {}", part, e);
        }
      }
    }
  }
}
