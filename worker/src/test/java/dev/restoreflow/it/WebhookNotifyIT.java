package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.worker.LoopbackPorts;
import dev.restoreflow.worker.Workers;
import dev.restoreflow.worker.config.ConfigLoader;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.NotifyWorkflow;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.JobNotice;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Notices to webhooks on a real Temporal server, through the server worker's real registration
 * (NotifyWorkflow and the Notify activity) and real HTTP: the receiver (the JDK's HTTP server on
 * 127.0.0.1, a port chosen free at runtime) is down for the first 30 s. Three webhooks: oncall
 * (Slack body), audit (JSON body, bearer token; it answers 503 to the first copy of each notice,
 * so the activity is retried after oncall has taken the notice) and broken (answers 400). The
 * webhooks' URLs carry a secret path segment, which must reach no log, history or ledger row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WebhookNotifyIT {

  private static final String SECRET = "s3cr3t-T0KEN";
  private static final String TOKEN = "audit-Tok3n-9f8e7d6c";
  private static final Duration DOWN_FOR = Duration.ofSeconds(30);
  /** The workflow retries at most every 30 s: two retries after the receiver is up, and a margin. */
  private static final Duration DELIVERED_WITHIN = Duration.ofSeconds(120);

  private static final JobNotice FAILED = notice("20261130-0815-ab12", JobNotice.FAILED,
      "FetchS3", "S3 answered 503 SlowDown 12 times <retries exhausted> & gave up");
  private static final JobNotice STALLED = notice("20261130-0830-ef56", JobNotice.STALLED,
      "ProbackupRestore", "no progress for 30 min");
  private static final JobNotice REJECTED = notice("20261130-0845-aa11", JobNotice.REJECTED,
      null, "rejected by alice: not during business hours");
  /** Only audit and broken take CANCELLED. */
  private static final JobNotice CANCELLED = notice("20261130-0900-cd34", JobNotice.CANCELLED,
      "WipeData", "cancelled by bob");
  private static final List<JobNotice> NOTICES = List.of(FAILED, STALLED, REJECTED, CANCELLED);

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<String> logLines = new CopyOnWriteArrayList<>();
  private final Map<String, WorkflowStub> workflows = new LinkedHashMap<>();
  private Path dir;
  private RestoreflowConfig config;
  private Capture capture;
  private Level formerLevel;
  private ItServer server;
  private WorkflowServiceStubs service;
  private WorkflowClient client;
  private JobLedger ledger;
  private WorkerFactory factory;
  private HttpServer receiver;
  private long boundAtMillis;
  private long startedAtMillis;

  /** One POST the receiver got. */
  record Received(String webhook, String idempotencyKey, String authorization, JsonNode body,
      int answered, long atMillis) {}

  @BeforeAll
  void setUp() throws Exception {
    capture = new Capture(logLines);
    capture.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
    capture.start();
    root().addAppender(capture);
    Logger ours = (Logger) LoggerFactory.getLogger("dev.restoreflow");
    formerLevel = ours.getLevel();
    ours.setLevel(Level.DEBUG);

    dir = Files.createTempDirectory("restoreflow-notify-it");
    int port = LoopbackPorts.free();
    String base = "http://127.0.0.1:" + port + "/hooks/" + SECRET + "/";
    Map<String, String> environment = Map.of(
        "RESTOREFLOW_ONCALL_WEBHOOK", base + "oncall",
        "RESTOREFLOW_AUDIT_WEBHOOK", base + "audit",
        "RESTOREFLOW_AUDIT_TOKEN", TOKEN,
        "RESTOREFLOW_BROKEN_WEBHOOK", base + "broken");
    config = ConfigLoader.parse("""
        {
          "temporal": {"target": "127.0.0.1:7233"},
          "ledger": "ledger.db",
          "hosts": {"S-DB1": {"kind": "local"}},
          "instances": {"main1": {"host": "S-DB1", "pgdata": "/var/lib/postgresql/15/main",
                                  "probackup": {"catalog": "/mnt/backups"}}},
          "notifications": {
            "stallAfter": "30m",
            "webhooks": [
              {"name": "oncall", "urlEnv": "RESTOREFLOW_ONCALL_WEBHOOK", "format": "slack",
               "events": ["FAILED", "STALLED", "AWAITING_APPROVAL", "REJECTED"]},
              {"name": "audit", "urlEnv": "RESTOREFLOW_AUDIT_WEBHOOK",
               "tokenEnv": "RESTOREFLOW_AUDIT_TOKEN", "format": "json"},
              {"name": "broken", "urlEnv": "RESTOREFLOW_BROKEN_WEBHOOK", "events": ["CANCELLED"]}
            ]
          }
        }
        """, dir);
    assertEquals(1800L, config.notifications().stallAfterSeconds());

    server = ItServer.embedded();
    service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget(server.target()).build());
    client = WorkflowClient.newInstance(service);
    ledger = new JobLedger(dir.resolve("ledger.db"));
    factory = WorkerFactory.newInstance(client);
    Workers.addServer(factory, config, ledger, environment::get);
    factory.start();

    startedAtMillis = System.currentTimeMillis();
    for (JobNotice notice : NOTICES) {
      NotifyWorkflow workflow = client.newWorkflowStub(NotifyWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.SERVER)
              .setWorkflowId("notify-" + notice.id()).build());
      WorkflowClient.start(workflow::deliver, notice);
      workflows.put(notice.id(), WorkflowStub.fromTyped(workflow));
    }
    Thread.sleep(Math.max(0, startedAtMillis + DOWN_FOR.toMillis() - System.currentTimeMillis()));
    for (WorkflowStub workflow : workflows.values()) {
      assertTrue(open(workflow), "a notice's workflow ended while its receiver was down");
    }
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    receiver.createContext("/hooks/" + SECRET + "/", exchange -> {
      String webhook = exchange.getRequestURI().getPath()
          .substring(("/hooks/" + SECRET + "/").length());
      String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
      JsonNode body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new ObjectMapper().readTree(in.readAllBytes());
      }
      int status = switch (webhook) {
        case "audit" -> received.stream().anyMatch(r -> r.webhook().equals("audit")
            && r.idempotencyKey().equals(key)) ? 200 : 503;
        case "broken" -> 400;
        default -> 200;
      };
      received.add(new Received(webhook, key,
          exchange.getRequestHeaders().getFirst("Authorization"), body, status,
          System.currentTimeMillis()));
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    receiver.start();
    boundAtMillis = System.currentTimeMillis();
    for (WorkflowStub workflow : workflows.values()) {
      workflow.getResult(DELIVERED_WITHIN.toSeconds(), TimeUnit.SECONDS, Void.class);
    }
    Thread.sleep(5_000);   // a stray copy sent after the workflows' end would show here
  }

  @AfterAll
  void tearDown() {
    if (receiver != null) {
      receiver.stop(0);
    }
    if (factory != null) {
      factory.shutdown();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (service != null) {
      service.shutdown();
      service.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (ledger != null) {
      ledger.close();
    }
    if (server != null) {
      server.close();
    }
    root().detachAppender(capture);
    ((Logger) LoggerFactory.getLogger("dev.restoreflow")).setLevel(formerLevel);
  }

  @Test
  void eachWebhookTakesEachOfItsNoticesExactlyOnceAfterItComesBack() {
    assertTrue(received.stream().allMatch(r -> r.atMillis() >= boundAtMillis));
    for (JobNotice notice : List.of(FAILED, STALLED, REJECTED)) {
      assertEquals(1, count("oncall", notice, 200), "oncall and " + notice.id() + ": " + received);
      assertEquals(1, count("oncall", notice, -1), "oncall got " + notice.id()
          + " again on the retry that audit's 503 caused: " + received);
    }
    for (JobNotice notice : NOTICES) {
      assertEquals(1, count("audit", notice, 200), "audit and " + notice.id() + ": " + received);
      assertEquals(1, count("audit", notice, 503), "audit and " + notice.id() + ": " + received);
    }
    assertEquals(0, count("oncall", CANCELLED, -1));
    assertEquals(List.of(CANCELLED.id()), received.stream()
        .filter(r -> r.webhook().equals("broken")).map(Received::idempotencyKey).toList(),
        "broken answered 400 once and is not asked again");
    assertEquals(3 + 8 + 1, received.size(), String.valueOf(received));
  }

  @Test
  void theActivityWasRetriedWhileTheReceiverWasDown() {
    for (JobNotice notice : NOTICES) {
      List<Integer> attempts = Histories.attempts(client, "notify-" + notice.id(), "Notify");
      assertEquals(1, attempts.size(), "one Notify activity per notice");
      assertTrue(attempts.get(0) >= 6, notice.id() + " ended on attempt " + attempts.get(0)
          + "; a receiver down for 30 s takes at least 5 failed attempts");
    }
    assertTrue(logLines.stream().anyMatch(line -> line.contains("notice " + FAILED.id()
        + " to webhook oncall: cannot connect, will retry")), String.join("\n", logLines));
    assertTrue(logLines.stream().anyMatch(line -> line.startsWith("notice " + FAILED.id()
        + " to webhook audit: HTTP 503, will retry")), String.join("\n", logLines));
  }

  @Test
  void headersCarryTheNoticeIdAndOnlyAuditsToken() {
    for (Received r : received) {
      assertTrue(NOTICES.stream().anyMatch(n -> n.id().equals(r.idempotencyKey())),
          r.toString());
      assertEquals(r.idempotencyKey(), r.body().has("id") ? r.body().get("id").asText()
          : r.idempotencyKey());
      if (r.webhook().equals("audit")) {
        assertEquals("Bearer " + TOKEN, r.authorization());
      } else {
        assertNull(r.authorization(), r.webhook() + " has no tokenEnv");
      }
    }
  }

  @Test
  void bodiesAreSlackTextForOncallAndTheWholeNoticeForAudit() {
    JsonNode slack = body("oncall", FAILED);
    assertEquals(List.of("text"), fieldNames(slack));
    assertEquals(":red_circle: restore 20261130-0815-ab12 of main1 on S-DB1 FAILED at FetchS3:"
        + " S3 answered 503 SlowDown 12 times &lt;retries exhausted&gt; &amp; gave up",
        slack.get("text").asText());
    JsonNode json = body("audit", FAILED);
    assertEquals(FAILED.id(), json.get("id").asText());
    assertEquals(FAILED.jobId(), json.get("jobId").asText());
    assertEquals("restore", json.get("kind").asText());
    assertEquals("main1", json.get("instance").asText());
    assertEquals("S-DB1", json.get("host").asText());
    assertEquals("FAILED", json.get("event").asText());
    assertEquals("FetchS3", json.get("step").asText());
    assertEquals(FAILED.message(), json.get("message").asText());
    assertEquals(FAILED.atMillis(), json.get("atMillis").asLong());
    assertTrue(json.get("backupId").isNull());
    assertEquals("restore 20261130-0815-ab12 of main1 on S-DB1 FAILED at FetchS3: "
        + FAILED.message(), json.get("text").asText());
  }

  @Test
  void aWebhookThatAnswers400EndsTheDeliveryAndTheWorkflowSaysSo() {
    String id = CANCELLED.id();
    List<HistoryEvent> events = Histories.events(client, "notify-" + id);
    HistoryEvent failed = events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)
        .findFirst().orElseThrow();
    var failure = failed.getActivityTaskFailedEventAttributes().getFailure();
    assertEquals(FailureType.WEBHOOK_REJECTED.name(),
        failure.getApplicationFailureInfo().getType(), failure.toString());
    assertTrue(failure.getApplicationFailureInfo().getNonRetryable(), failure.toString());
    assertEquals(1, events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED).count());
    assertTrue(events.stream().anyMatch(e ->
        e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED));
    assertTrue(logLines.stream().anyMatch(line -> line.startsWith("notice " + id
        + " not delivered: ") && line.contains("refused by webhook broken")),
        String.join("\n", logLines));
    assertTrue(logLines.stream().anyMatch(line -> line.startsWith("notice " + id
        + " to webhook broken: HTTP 400, refused: not sent again (check the webhook's URL, token"
        + " and format)")), String.join("\n", logLines));
  }

  @Test
  void theSecretsReachNoLogNoHistoryAndNoLedgerRow() throws Exception {
    assertTrue(logLines.size() > 20, "the capture saw the activity's lines: " + logLines.size());
    for (String line : logLines) {
      assertFalse(line.contains(SECRET) || line.contains(TOKEN), "a log line: " + line);
    }
    for (JobNotice notice : NOTICES) {
      String history = historyText("notify-" + notice.id());
      assertTrue(history.contains(notice.message()), "the decoded history holds the notice");
      assertFalse(history.contains(SECRET), "the history of " + notice.id());
      assertFalse(history.contains(TOKEN), "the history of " + notice.id());
    }
    Path deliveries = Path.of(config.notifications().deliveries());
    assertEquals(dir.resolve("ledger-notices.db"), deliveries);
    String record = rows(deliveries);
    assertTrue(record.contains(FAILED.id()) && record.contains("DELIVERED")
        && record.contains("REFUSED"), record);
    for (Path file : List.of(dir.resolve("ledger.db"), deliveries)) {
      String rows = rows(file);
      assertFalse(rows.contains(SECRET) || rows.contains(TOKEN), file + ": " + rows);
    }
  }

  private long count(String webhook, JobNotice notice, int answered) {
    return received.stream().filter(r -> r.webhook().equals(webhook)
        && r.idempotencyKey().equals(notice.id()) && (answered < 0 || r.answered() == answered))
        .count();
  }

  private JsonNode body(String webhook, JobNotice notice) {
    return received.stream().filter(r -> r.webhook().equals(webhook)
        && r.idempotencyKey().equals(notice.id()) && r.answered() == 200)
        .findFirst().orElseThrow().body();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static boolean open(WorkflowStub workflow) {
    try {
      workflow.getResult(1, TimeUnit.MILLISECONDS, Void.class);
      return false;
    } catch (java.util.concurrent.TimeoutException stillRunning) {
      return true;
    }
  }

  /** The history as JSON, with every payload's base64 data decoded and appended. */
  private String historyText(String workflowId) {
    // protobuf's JSON printer writes base64's '=' as \u003d
    String json = client.fetchHistory(workflowId).toJson(true).replace("\\u003d", "=");
    StringBuilder text = new StringBuilder(json);
    Matcher data = Pattern.compile("\"data\":\\s*\"([A-Za-z0-9+/=]*)\"").matcher(json);
    while (data.find()) {
      text.append('\n').append(new String(Base64.getDecoder().decode(data.group(1)),
          StandardCharsets.UTF_8));
    }
    return text.toString();
  }

  /** Every row of every table of a SQLite file, as text. */
  private static String rows(Path file) throws Exception {
    StringBuilder text = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
              text.append(rs.getString(i)).append('|');
            }
            text.append('\n');
          }
        }
      }
    }
    return text.toString();
  }

  private static JobNotice notice(String jobId, String event, String step, String message) {
    return new JobNotice(jobId + ":" + event, jobId, "restore", "main1", "S-DB1", event, null,
        step, message, 1_796_026_500_000L);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** Every logged line of this JVM (message, MDC and stack trace) while the test runs. */
  private static final class Capture extends AppenderBase<ILoggingEvent> {

    private final List<String> lines;

    Capture(List<String> lines) {
      this.lines = lines;
    }

    @Override
    protected void append(ILoggingEvent event) {
      StringBuilder line = new StringBuilder(event.getFormattedMessage());
      if (!event.getMDCPropertyMap().isEmpty()) {
        line.append(" ").append(event.getMDCPropertyMap());
      }
      if (event.getThrowableProxy() != null) {
        line.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
      lines.add(line.toString());
    }
  }
}
