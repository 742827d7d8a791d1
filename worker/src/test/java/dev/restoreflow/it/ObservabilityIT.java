package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.Workers;
import dev.restoreflow.worker.config.LineGatewayConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.gateway.LineGateway;
import dev.restoreflow.worker.gateway.SharedToken;
import dev.restoreflow.worker.http.HttpApi;
import dev.restoreflow.worker.observe.Health;
import dev.restoreflow.worker.observe.HealthReport;
import dev.restoreflow.worker.observe.Metrics;
import dev.restoreflow.worker.observe.PrometheusTextParser;
import dev.restoreflow.worker.observe.SdkMetrics;
import dev.restoreflow.worker.observe.Status;
import dev.restoreflow.worker.observe.StatusProbe;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * /metrics, /readyz and {@code restoreflow status} after real jobs on a real cluster, on the
 * temporal CLI's dev server (the embedded test server cannot list pollers): host S-DB1 has a
 * worker in this JVM, host {@code idle} has none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ObservabilityIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(2);
  private static final Map<String, String> RESTORES = Map.of("kind", "restore",
      "engine", "probackup");

  private ItSandbox main1;
  private ItServer server;
  private SdkMetrics sdk;
  private WorkflowServiceStubs service;
  private WorkflowClient client;
  private JobLedger ledger;
  private WorkerFactory factory;
  private LineGateway gateway;
  private HttpApi http;
  private RestoreflowClient restoreflow;
  private RestoreflowConfig config;
  private Path configFile;
  private BackupResult backup;
  private RestoreResult restored;
  private String failedJob;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "S-DB1");
    main1.sandbox.loadDemoData(2_000);
    main1.sandbox.backup("FULL");
    server = ItServer.temporalCli(main1.stateDir().resolve("temporal"));
    Path ledgerFile = main1.stateDir().resolve("ledger.db");
    RestoreflowConfig one = ItSandbox.config(server.target(), ledgerFile, main1);
    Map<String, HostConfig> hosts = new LinkedHashMap<>(one.hosts());
    hosts.put("idle", new HostConfig(HostConfig.LOCAL));
    config = new RestoreflowConfig(one.temporal(), one.ledger(), one.logDir(), hosts,
        one.instances(), new LineGatewayConfig(true, "127.0.0.1", 0, null, List.of(), 8, 3, 1,
            4096));
    sdk = new SdkMetrics();
    service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget(server.target()).setMetricsScope(sdk.scope()).build());
    client = WorkflowClient.newInstance(service);
    ledger = new JobLedger(ledgerFile);
    factory = WorkerFactory.newInstance(client);
    Workers.addServer(factory, config, ledger);
    Workers.addHost(factory, config, "S-DB1");
    factory.start();
    restoreflow = new RestoreflowClient(client);
    gateway = LineGateway.forConfig(config, restoreflow, ledger);
    http = HttpApi.start(config.withHttp(config.http().withPort(0)), restoreflow, ledger,
        SharedToken.none(), "pgbackrest");
    configFile = RestoreflowProcess.writeConfig(config.withLineGateway(
        config.lineGateway().withPort(gateway.port())).withHttp(
        config.http().withPort(http.port())), main1.stateDir().resolve("config.json"));

    backup = restoreflow.awaitBackup(restoreflow.submitBackup(BackupRequest.of("main1")
        .withType("FULL").withRequestedVia("api", "ObservabilityIT")).jobId(), JOB_LIMIT);
    restored = restoreflow.await(restoreflow.submit(RestoreRequest.of("main1")
        .withRequestedVia("api", "ObservabilityIT")).jobId(), JOB_LIMIT);
    Submission bad = restoreflow.submit(RestoreRequest.of("main1").withBackupId("ZZZZZZ")
        .withRequestedVia("api", "ObservabilityIT"));
    failedJob = bad.jobId();
    assertThrows(WorkflowFailedException.class, () -> restoreflow.await(bad.jobId(), JOB_LIMIT));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (http != null) {
      http.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (factory != null) {
      factory.shutdown();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (service != null) {
      service.shutdown();
      service.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (sdk != null) {
      sdk.close();
    }
    if (ledger != null) {
      ledger.close();
    }
    if (server != null) {
      server.close();
    }
    if (main1 != null) {
      main1.close();
    }
  }

  @Test
  @Order(1)
  void metricsMatchTheJobsThatRan() throws Exception {
    assertEquals(JobState.SUCCEEDED, backup.state());
    assertEquals(JobState.SUCCEEDED, restored.state());
    CatalogBackup taken = restoreflow.catalog("main1", Duration.ofMinutes(1)).instances().get(0)
        .backups().stream().filter(b -> b.id().equals(backup.backupId())).findFirst()
        .orElseThrow();
    try (Metrics metrics = new Metrics(config, ledger, client, sdk)) {
      PrometheusTextParser.Page page = scrapeUntil(metrics, p ->
          !p.samples("restoreflow_newest_backup_age_seconds", Map.of()).isEmpty()
              && sum(p, "temporal_workflow_failed_total",
                  Map.of("workflow_type", "RestoreWorkflow")) >= 1);
      Instant scrapedAt = Instant.now();

      assertEquals(1.0, value(page, "restoreflow_jobs", with(RESTORES, "state", "SUCCEEDED")));
      assertEquals(1.0, value(page, "restoreflow_jobs", with(RESTORES, "state", "FAILED")));
      assertEquals(1.0, value(page, "restoreflow_jobs", Map.of("kind", "backup",
          "engine", "probackup", "state", "SUCCEEDED")));
      assertEquals(3.0, sum(page, "restoreflow_jobs", Map.of()), "no other job");

      JobRow restoreRow = ledger.job(restored.jobId()).orElseThrow();
      Map<String, String> succeeded = with(RESTORES, "state", "SUCCEEDED");
      assertEquals(1.0, value(page, "restoreflow_job_duration_seconds_count", succeeded));
      assertEquals((restoreRow.finishedAt() - restoreRow.createdAt()) / 1000.0,
          value(page, "restoreflow_job_duration_seconds_sum", succeeded), 1e-9);
      assertEquals(1.0, value(page, "restoreflow_step_duration_seconds_count",
          Map.of("kind", "restore", "step", "ProbackupRestore", "status", "DONE")));
      assertEquals(1.0, value(page, "restoreflow_step_duration_seconds_count",
          Map.of("kind", "restore", "step", "PlanRestore", "status", "FAILED")),
          "the failed job " + failedJob + " failed in PlanRestore");
      assertEquals(1.0, value(page, "restoreflow_step_duration_seconds_count",
          Map.of("kind", "backup", "step", "TakeBackup", "status", "DONE")));

      assertTrue(taken.dataBytes() > 0, taken.toString());
      assertEquals((double) taken.dataBytes(), value(page, "restoreflow_backup_bytes_total",
          Map.of("instance", "main1", "engine", "probackup")),
          "the backup job's bytes are the catalog's size of its backup");
      double written = value(page, "restoreflow_restore_bytes_written_total",
          Map.of("instance", "main1", "engine", "probackup"));
      assertTrue(written >= taken.dataBytes() / 2.0 && written <= taken.dataBytes() * 3.0,
          "the full restore of " + taken.id() + " (" + taken.dataBytes() + " bytes of data) wrote "
              + written + " bytes");
      double expectedAge = Duration.between(Instant.parse(taken.endTime()), scrapedAt).toMillis()
          / 1000.0;
      double age = value(page, "restoreflow_newest_backup_age_seconds",
          Map.of("instance", "main1", "engine", "probackup"));
      assertTrue(Math.abs(age - expectedAge) < 5, "age " + age + " expected ~" + expectedAge);

      assertEquals(0.0, value(page, "restoreflow_host_queue_length", Map.of("host", "S-DB1")));
      assertEquals(0.0, value(page, "restoreflow_host_queue_running", Map.of("host", "S-DB1")));
      assertEquals(0.0, value(page, "restoreflow_host_queue_length", Map.of("host", "idle")));

      assertEquals(1.0, sum(page, "temporal_workflow_completed_total",
          Map.of("workflow_type", "BackupWorkflow")));
      assertEquals(1.0, sum(page, "temporal_workflow_completed_total",
          Map.of("workflow_type", "RestoreWorkflow")));
      assertEquals(1.0, sum(page, "temporal_workflow_failed_total",
          Map.of("workflow_type", "RestoreWorkflow")));
      assertEquals(1.0, sum(page, "temporal_activity_execution_latency_seconds_count",
          Map.of("activity_type", "ProbackupRestore")));
      assertTrue(sum(page, "temporal_request_total", Map.of()) > 0);
    }
  }

  @Test
  @Order(2)
  void readyNamesTheHostWithoutAWorker() {
    try (Health health = new Health(config, service)) {
      HealthReport ready = health.ready();
      assertFalse(ready.ok(), ready.toString());
      Map<String, HealthReport.Check> checks = new LinkedHashMap<>();
      ready.checks().forEach(check -> checks.put(check.name(), check));
      assertEquals(List.of("temporal", "workflows", "host S-DB1", "host idle"),
          List.copyOf(checks.keySet()));
      assertTrue(checks.get("temporal").ok(), ready.toString());
      assertTrue(checks.get("workflows").ok(), ready.toString());
      assertTrue(checks.get("host S-DB1").ok(), ready.toString());
      assertTrue(checks.get("host S-DB1").detail().contains(client.getOptions().getIdentity()),
          ready.toString());
      assertFalse(checks.get("host idle").ok());
      assertTrue(checks.get("host idle").detail().contains("no worker polls restoreflow.host.idle"),
          checks.get("host idle").detail());
    }
    RestoreflowConfig polled = new RestoreflowConfig(config.temporal(), config.ledger(),
        config.logDir(), Map.of("S-DB1", config.hosts().get("S-DB1")), config.instances(),
        config.lineGateway());
    try (Health health = new Health(polled, service)) {
      HealthReport ready = health.ready();
      assertTrue(ready.ok(), ready.toString());
    }
  }

  @Test
  @Order(3)
  void statusShowsTheHostsWorkersTheGatewayAndTheNewestBackup() throws Exception {
    RestoreflowProcess.Output json = RestoreflowProcess.runApart(Duration.ofSeconds(90), Map.of(),
        "status", "--config", configFile.toString(), "--json");
    assertEquals(1, json.exitCode(), "host idle is down: " + json.stdout() + json.stderr());
    JsonNode status = new ObjectMapper().readTree(json.stdout());
    assertTrue(status.at("/temporal/reachable").asBoolean(), json.stdout());
    assertFalse(status.get("ok").asBoolean());
    assertEquals("[\"host idle\"]", status.get("down").toString());
    Map<String, JsonNode> workers = new LinkedHashMap<>();
    status.get("workers").forEach(w -> workers.put(w.get("name").asText(), w));
    JsonNode host = workers.get("S-DB1");
    assertTrue(host.get("ok").asBoolean(), json.stdout());
    assertEquals("restoreflow.host.S-DB1", host.get("taskQueue").asText());
    assertEquals(client.getOptions().getIdentity(), host.at("/pollers/0/identity").asText());
    assertNotNull(Instant.parse(host.at("/pollers/0/lastAccess").asText()));
    assertTrue(workers.get("restoreflow").get("ok").asBoolean(), json.stdout());
    assertFalse(workers.get("idle").get("ok").asBoolean());
    assertEquals("no worker polls: start `restoreflow worker --config " + configFile
        + " --host idle` (systemd: restoreflow-worker@idle)",
        workers.get("idle").get("detail").asText());
    assertTrue(status.at("/gateways/0/listening").asBoolean(), json.stdout());
    assertEquals(backup.backupId(), status.at("/backups/0/backupId").asText(), json.stdout());

    RestoreflowProcess.Output table = RestoreflowProcess.runApart(Duration.ofSeconds(90),
        Map.of(), "status", "--config", configFile.toString());
    assertEquals(1, table.exitCode(), table.stdout() + table.stderr());
    String out = table.stdout();
    assertTrue(out.contains("task queue restoreflow.host.S-DB1: up"), out);
    assertTrue(out.contains("worker " + client.getOptions().getIdentity() + ", last poll"), out);
    assertTrue(out.contains("task queue restoreflow.host.idle: DOWN no worker polls: start"
        + " `restoreflow worker --config " + configFile + " --host idle`"), out);
    assertTrue(out.contains("line 127.0.0.1:" + gateway.port()) && out.contains("listening"), out);
    assertTrue(out.contains("http 127.0.0.1:" + http.port()), out);
    assertTrue(out.contains("newest OK " + backup.backupId()), out);
    assertTrue(out.strip().endsWith("DOWN: host idle"), out);

    RestoreflowConfig allUp = new RestoreflowConfig(config.temporal(), config.ledger(),
        config.logDir(), Map.of("S-DB1", config.hosts().get("S-DB1")), config.instances(),
        config.lineGateway().withPort(gateway.port()));
    Status up = new StatusProbe(allUp, configFile.toString(), service, client).look(List.of(
        new StatusProbe.Listener("line", "127.0.0.1", gateway.port())), Duration.ofMinutes(1));
    assertTrue(up.ok(), up.toString());
  }

  private static PrometheusTextParser.Page scrapeUntil(Metrics metrics,
      java.util.function.Predicate<PrometheusTextParser.Page> done) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      PrometheusTextParser.Page page = PrometheusTextParser.parse(metrics.prometheusText());
      if (done.test(page) || System.currentTimeMillis() > deadline) {
        return page;
      }
      Thread.sleep(500);
    }
  }

  private static double value(PrometheusTextParser.Page page, String name,
      Map<String, String> labels) {
    return page.value(name, labels).orElseThrow(() -> new AssertionError("no " + name + labels));
  }

  private static double sum(PrometheusTextParser.Page page, String name,
      Map<String, String> labels) {
    return page.samples(name, labels).stream().mapToDouble(PrometheusTextParser.Sample::value)
        .sum();
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(labels);
    more.put(key, value);
    return more;
  }
}
