package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.config.ApprovalConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.ScratchConfig;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.notify.WebhookConfig;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.LoopbackPorts;
import dev.restoreflow.worker.config.HttpConfig;
import dev.restoreflow.worker.config.NotificationsConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.gateway.SharedToken;
import dev.restoreflow.worker.http.HttpApi;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.Approval;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.client.WorkflowFailedException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * On-call around a real restore (issue 17): a PostgreSQL cluster backed up by the pg_probackup
 * simulator, the real workflows on the embedded Temporal server, the HTTP API, and a real webhook
 * receiver. Approval: approved (the Java client, as the CLI does), rejected (HTTP) and timed out,
 * each with the cluster untouched (its postmaster start time and data) until approval, the ledger
 * naming the approver. A drill of a backup damaged on purpose fails ProveRestore and notifies.
 * The webhook's secret URL appears in no ledger row and no history.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class OnCallIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(3);
  private static final String SECRET = "hook-S3CRET-4711";
  private static final String TOKEN = "on-call-it-token";

  private ItSandbox main1;
  private ItTemporal temporal;
  private HttpApi api;
  private HttpServer receiver;
  private final List<JsonNode> notices = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    main1.sandbox.loadDemoData(2_000);
    main1.sandbox.backup("FULL");
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    receiver.createContext("/", exchange -> {
      JsonNode notice = new ObjectMapper().readTree(exchange.getRequestBody());
      synchronized (notices) {
        notices.add(notice);
      }
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
    Path scratch = Files.createDirectories(main1.stateDir().resolve("scratch"));
    Files.setOwner(scratch, Files.getOwner(Path.of(main1.instance.pgdata())));
    Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwx------"));
    InstanceConfig instance = main1.instance
        .withApproval(new ApprovalConfig(true, "20s"))
        .withScratch(new ScratchConfig(scratch.toString(), LoopbackPorts.free(), null));
    ItServer server = ItTemporal.startServer();
    RestoreflowConfig config = ItSandbox.config(server.target(),
        main1.stateDir().resolve("ledger.db"), main1);
    config = new RestoreflowConfig(config.temporal(), config.ledger(), config.logDir(),
        config.hosts(), Map.of("main1", instance), null)
        .withNotifications(new NotificationsConfig(null, List.of(new WebhookConfig("oncall",
            "RF_ONCALL_IT_URL", null, "json", null)), null))
        .withHttp(new HttpConfig(true, "127.0.0.1", 0, null, 16, 512, 512, 4096, 30, 4, 120));
    Map<String, String> environment = Map.of("RF_ONCALL_IT_URL",
        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/" + SECRET);
    temporal = ItTemporal.start(server, config, List.of("local"), factory -> { },
        environment::get);
    api = HttpApi.start(config, temporal.restoreflow, temporal.ledger, SharedToken.of(TOKEN),
        "probackup");
  }

  @AfterAll
  void tearDown() throws Exception {
    if (api != null) {
      api.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
    if (temporal != null) {
      temporal.close();
    }
    if (main1 != null) {
      main1.close();
    }
  }

  @Test
  @Order(1)
  void anApprovedRestoreWaitsWithTheClusterUntouchedThenRunsAndTheLedgerNamesTheApprover()
      throws Exception {
    Untouched before = Untouched.of(main1);
    Submission job = temporal.restoreflow.submit(main1());
    awaitState(job.jobId(), JobState.AWAITING_APPROVAL);
    Thread.sleep(2_000);   // waiting, nothing moves
    before.assertUnchanged(main1);
    assertThrows(IllegalArgumentException.class, () -> temporal.restoreflow.answerApproval(
        job.jobId(), new Approval(" ", null), true), "who approves is required");

    temporal.restoreflow.answerApproval(job.jobId(), new Approval("alice", "OPS-12"), true);
    RestoreResult result = temporal.restoreflow.await(job.jobId(), JOB_LIMIT);

    assertEquals(JobState.SUCCEEDED, result.state(), result.message());
    JobRow row = temporal.ledger.job(job.jobId()).orElseThrow();
    assertEquals("approved by alice: OPS-12", row.approval());
    assertEquals(List.of("AWAITING_APPROVAL", "SUCCEEDED"), eventsOf(job.jobId()));
    IllegalStateException late = assertThrows(IllegalStateException.class,
        () -> temporal.restoreflow.answerApproval(job.jobId(), new Approval("bob", null), false));
    assertTrue(late.getMessage().contains("not awaiting approval"), late.getMessage());
  }

  @Test
  @Order(2)
  void aRestoreRejectedOverHttpEndsRejectedWithTheClusterUntouched() throws Exception {
    Untouched before = Untouched.of(main1);
    Submission job = temporal.restoreflow.submit(main1());
    awaitState(job.jobId(), JobState.AWAITING_APPROVAL);

    HttpResponse<String> noName = post("/api/v1/jobs/" + job.jobId() + "/reject", "{}");
    assertEquals(400, noName.statusCode(), noName.body());
    HttpResponse<String> rejected = post("/api/v1/jobs/" + job.jobId() + "/reject",
        "{\"by\":\"bob\",\"reason\":\"wrong backup\"}");
    assertEquals(202, rejected.statusCode(), rejected.body());
    RestoreResult result = temporal.restoreflow.await(job.jobId(), JOB_LIMIT);

    assertEquals(JobState.REJECTED, result.state());
    assertTrue(result.message().startsWith("rejected by bob: wrong backup; nothing was touched"),
        result.message());
    before.assertUnchanged(main1);
    assertEquals("rejected by bob: wrong backup",
        temporal.ledger.job(job.jobId()).orElseThrow().approval());
    assertEquals("REJECTED", temporal.ledger.job(job.jobId()).orElseThrow().status());
    HttpResponse<String> again = post("/api/v1/jobs/" + job.jobId() + "/approve",
        "{\"by\":\"carol\"}");
    assertEquals(409, again.statusCode(), again.body());
  }

  @Test
  @Order(3)
  void aRestoreNobodyAnswersEndsRejectedAtItsTimeoutWithTheClusterUntouched() throws Exception {
    Untouched before = Untouched.of(main1);
    Submission job = temporal.restoreflow.submit(main1());
    RestoreResult result = temporal.restoreflow.await(job.jobId(), JOB_LIMIT);

    assertEquals(JobState.REJECTED, result.state());
    assertTrue(result.message().startsWith("rejected: no approval within 20 s"),
        result.message());
    before.assertUnchanged(main1);
    assertEquals(List.of("AWAITING_APPROVAL", "REJECTED"), eventsOf(job.jobId()));
  }

  @Test
  @Order(4)
  void aDrillProvesTheNewestBackupAndTheCatalogSaysSo() throws Exception {
    Untouched before = Untouched.of(main1);
    Submission job = temporal.restoreflow.submit(main1().withDrill(true));
    RestoreResult result = temporal.restoreflow.await(job.jobId(), JOB_LIMIT);

    assertEquals(JobState.SUCCEEDED, result.state(), result.message());
    assertTrue(result.message().startsWith("drill proved backup " + result.backupId()),
        result.message());
    before.assertUnchanged(main1);
    CatalogBackup proven = temporal.restoreflow.catalog("main1", Duration.ofMinutes(1))
        .instances().get(0).backups().stream().filter(b -> b.id().equals(result.backupId()))
        .findFirst().orElseThrow();
    assertEquals(job.jobId(), proven.provenBy());
    assertTrue(proven.provenAt() != null && proven.provenAt().startsWith("20"), proven.toString());
    assertTrue(temporal.ledger.job(job.jobId()).orElseThrow().restoreMillis() > 0);
  }

  @Test
  @Order(5)
  void aDrillOfADamagedBackupFailsNotifiesAndLeavesTheInstanceRunning() throws Exception {
    main1.sandbox.sql("create function oncall_key(i int) returns int language sql immutable"
        + " as 'select $1'; create table oncall_damage (i int);"
        + " insert into oncall_damage select generate_series(1, 500);"
        + " create index oncall_damage_key on oncall_damage (oncall_key(i));"
        + " create or replace function oncall_key(i int) returns int language sql immutable"
        + " as 'select -$1'");
    main1.sandbox.backup("FULL");
    Untouched before = Untouched.of(main1);
    Submission job = temporal.restoreflow.submit(main1().withDrill(true));
    assertThrows(WorkflowFailedException.class,
        () -> temporal.restoreflow.await(job.jobId(), JOB_LIMIT));

    before.assertUnchanged(main1);
    awaitNotices(job.jobId(), 1);
    JsonNode failed = noticesOf(job.jobId()).get(0);
    assertEquals("FAILED", failed.get("event").asText());
    assertEquals("ProveRestore", failed.get("step").asText());
    assertTrue(failed.get("message").asText().contains("oncall_damage_key"), failed.toString());
    try (Stream<Path> left = Files.list(main1.stateDir().resolve("scratch"))) {
      assertEquals(List.of(), left.toList(), "the failed drill's scratch is removed");
    }
    main1.sandbox.sql("drop table oncall_damage; drop function oncall_key(int)");
  }

  @Test
  @Order(6)
  void theWebhooksSecretUrlIsInNoLedgerRowAndNoHistory() throws Exception {
    for (JobRow row : temporal.ledger.jobs(null, null, 100)) {
      assertFalse(new ObjectMapper().writeValueAsString(row).contains(SECRET), row.jobId());
    }
    List<String> workflowIds = new ArrayList<>();
    for (JobRow row : temporal.ledger.jobs(null, null, 100)) {
      workflowIds.add(TaskQueues.restoreWorkflowId(row.jobId()));
    }
    synchronized (notices) {
      for (JsonNode notice : notices) {
        workflowIds.add("notify-" + notice.get("id").asText());
      }
    }
    for (String workflowId : workflowIds) {
      String history = temporal.client.fetchHistory(workflowId).toJson(true);
      assertFalse(history.contains(SECRET), workflowId);
    }
    assertTrue(workflowIds.size() > 5, workflowIds.toString());
  }

  // ---- fixtures

  private static RestoreRequest main1() {
    return RestoreRequest.of("main1").withHost("local").withRequestedVia("api", "OnCallIT");
  }

  private void awaitState(String jobId, JobState state) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      if (temporal.restoreflow.progress(jobId).state() == state) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(jobId + " never reached " + state + ": "
        + temporal.restoreflow.progress(jobId));
  }

  private List<JsonNode> noticesOf(String jobId) {
    synchronized (notices) {
      return notices.stream().filter(n -> n.get("jobId").asText().equals(jobId)).toList();
    }
  }

  private List<String> eventsOf(String jobId) throws InterruptedException {
    awaitNotices(jobId, 2);
    return noticesOf(jobId).stream().map(n -> n.get("event").asText()).toList();
  }

  private void awaitNotices(String jobId, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (noticesOf(jobId).size() < count && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Thread.sleep(1_000);   // and no second copy after them
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What the instance's own cluster keeps until a restore is approved. */
  private record Untouched(String startedAt, Map<String, String> data) {

    static Untouched of(ItSandbox s) throws Exception {
      return new Untouched(s.psql("postgres", "select pg_postmaster_start_time()").strip(),
          s.sandbox.fingerprint());
    }

    void assertUnchanged(ItSandbox s) throws Exception {
      assertEquals(ClusterState.RUNNING, s.sandbox.cluster().state());
      assertEquals(startedAt, s.psql("postgres", "select pg_postmaster_start_time()").strip(),
          "the instance's postmaster was never restarted");
      assertEquals(data, s.sandbox.fingerprint(), "its data unchanged");
    }
  }
}
