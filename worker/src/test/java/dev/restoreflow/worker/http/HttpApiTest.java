package dev.restoreflow.worker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.config.ConfigLoader;
import dev.restoreflow.worker.config.HttpConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.gateway.SharedToken;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API's way in, against a real server on a free loopback port: everything that is
 * refused before a job would start (so no Temporal server is needed: the client points at a port
 * nothing listens on, and any request that reached it would fail the test with 503).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpApiTest {

  static final String TOKEN = "t0ken-for-tests";
  /** The same in every test of this JVM: the JDK server reads it once per process. */
  static final int READ_TIMEOUT_SECONDS = 2;
  /** Likewise; more than the 200 requests at once of a test. */
  static final int MAX_CONNECTIONS = 240;

  private static final String CONFIG = """
      {
        "temporal": {"target": "127.0.0.1:%d"},
        "hosts": {"S-DB1": {"kind": "local"}},
        "instances": {
          "main1": {"host": "S-DB1", "pgdata": "/var/lib/postgresql/15/main",
                    "probackup": {"catalog": "/mnt/backups"}}
        },
        "http": {"port": 0, "threads": 4, "maxBodyBytes": 1024, "maxConnections": %d,
                 "readTimeoutSeconds": %d}
      }
      """;

  @TempDir
  static Path dir;

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final OpenApiChecker openApi = OpenApiChecker.load();
  private WorkflowServiceStubs service;
  private JobLedger ledger;
  private HttpApi api;
  private HttpApi twoStanzas;
  private RestoreflowConfig config;

  @BeforeAll
  void start() throws IOException {
    int nobody;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nobody = probe.getLocalPort();
    }
    config = ConfigLoader.parse(CONFIG.formatted(nobody, MAX_CONNECTIONS, READ_TIMEOUT_SECONDS),
        dir);
    service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget(config.temporal().target()).build());
    RestoreflowClient restoreflow = new RestoreflowClient(WorkflowClient.newInstance(service));
    ledger = new JobLedger(dir.resolve("ledger.db"));
    api = HttpApi.start(config, restoreflow, ledger, SharedToken.of(TOKEN), SeedRoutes.ENGINE);
    InstanceConfig main1 = config.requireInstance("main1");
    Map<String, InstanceConfig> two = new LinkedHashMap<>();
    two.put("main1", main1);
    two.put("pg1", pgbackrest(main1));
    two.put("pg2", pgbackrest(main1));
    RestoreflowConfig twoConfig = new RestoreflowConfig(config.temporal(), config.ledger(),
        config.logDir(), config.hosts(), two, config.lineGateway(), config.http());
    twoStanzas = HttpApi.start(twoConfig, restoreflow, ledger, SharedToken.none(),
        SeedRoutes.ENGINE);
  }

  /** An instance that says its engine is pgbackrest (only the seed paths' choice reads it). */
  private static InstanceConfig pgbackrest(InstanceConfig i) {
    return new InstanceConfig("pgbackrest", i.host(), i.pgdata(), i.controlDir(),
        i.systemdUnit(), i.port(), i.osUser(), i.pgBin(), i.serverLog(), i.connectHost(),
        i.database(), i.dbUser(), i.smokeQueries(), i.keepArchiving(), i.promote(),
        i.stopTimeoutSeconds(), i.startTimeoutSeconds(), i.settings(),
        i.restoreHosts());
  }

  @AfterAll
  void stop() {
    if (api != null) {
      api.close();
    }
    if (twoStanzas != null) {
      twoStanzas.close();
    }
    if (ledger != null) {
      ledger.close();
    }
    if (service != null) {
      service.shutdownNow();
    }
  }

  private HttpResponse<String> call(HttpApi server, String method, String path, String token,
      String contentType, String body, String accept) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    return call(api, method, path, TOKEN, body == null ? null : "application/json", body, null);
  }

  /** The response is the problem with this status and code, as the OpenAPI document says. */
  private JsonNode assertProblem(int status, String code, HttpResponse<String> response) {
    String what = response.request().method() + " " + response.request().uri() + " -> "
        + response.statusCode() + " " + response.body();
    assertEquals(status, response.statusCode(), what);
    assertEquals("application/problem+json",
        response.headers().firstValue("Content-Type").orElse(""), what);
    JsonNode problem;
    try {
      problem = new ObjectMapper().readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError(what, e);
    }
    assertEquals(code, problem.path("code").asText(), what);
    assertEquals(status, problem.path("status").asInt(), what);
    assertEquals("urn:restoreflow:problem:" + code, problem.path("type").asText(), what);
    assertFalse(problem.path("detail").asText().isBlank(), what);
    String path = response.request().uri().getPath();
    List<String> violations = !openApi.documents(response.request().method(), path)
        ? openApi.checkSchema("Problem", problem)
        : openApi.check(response.request().method(), path, response.statusCode(),
            response.headers().firstValue("Content-Type").orElse(null), response.body());
    assertTrue(violations.isEmpty(), what + ": " + violations);
    return problem;
  }

  @Test
  void everyRequestWithoutTheRightTokenIsRefusedBeforeAnythingElse() throws Exception {
    for (String path : List.of("/api/v1/instances", "/api/v1/jobs", "/pgBackRest/info",
        "/no/such/path", "/api/v1/instances/nosuch/restores")) {
      HttpResponse<String> none = call(api, "GET", path, null, null, null, null);
      assertProblem(401, "TOKEN_REQUIRED", none);
      assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
      assertProblem(401, "BAD_TOKEN", call(api, "GET", path, "wrong", null, null, null));
    }
    assertProblem(401, "BAD_TOKEN", call(api, "POST", "/api/v1/instances/main1/restores",
        TOKEN + "x", "application/json", "{}", null));
  }

  @Test
  void unknownPathsAndMethodsGetTheirProblems() throws Exception {
    assertProblem(404, "NOT_FOUND", call("GET", "/api/v2/instances", null));
    assertProblem(404, "NOT_FOUND", call("GET", "/api/v1/jobs/", null));
    assertProblem(404, "NOT_FOUND", call("GET", "/pgBackRest/backup/differential", null));
    HttpResponse<String> wrong = call("DELETE", "/api/v1/instances/main1", null);
    assertProblem(405, "METHOD_NOT_ALLOWED", wrong);
    assertEquals("GET", wrong.headers().firstValue("Allow").orElse(""));
    assertProblem(405, "METHOD_NOT_ALLOWED", call("PUT", "/pgBackRest/restore/delta", null));
    assertProblem(405, "METHOD_NOT_ALLOWED", call("GET", "/api/v1/instances/main1/restores", null));
  }

  @Test
  void badRequestsAreRefusedWithTheCodesOfTheOtherWaysIn() throws Exception {
    String restores = "/api/v1/instances/main1/restores";
    assertProblem(404, "UNKNOWN_INSTANCE", call("GET", "/api/v1/instances/nosuch", null));
    assertProblem(404, "UNKNOWN_INSTANCE", call("POST", "/api/v1/instances/nosuch/restores", "{}"));
    assertProblem(404, "UNKNOWN_INSTANCE", call("POST", "/api/v1/instances/nosuch/backups", null));
    assertProblem(404, "UNKNOWN_INSTANCE", call("GET", "/api/v1/instances/nosuch/backups", null));
    assertProblem(404, "UNKNOWN_INSTANCE", call("GET", "/api/v1/jobs?instance=nosuch", null));
    assertProblem(400, "BAD_JSON", call("POST", restores, "{\"backupId\": "));
    assertProblem(400, "BAD_JSON", call("POST", restores, "[1, 2]"));
    assertProblem(400, "BAD_JSON", call("POST", restores, "{\"incremental\": \"yes please\"}"));
    assertProblem(400, "BAD_JSON", call("POST", restores, "{} {}"));
    JsonNode unknownField = assertProblem(400, "BAD_JSON",
        call("POST", restores, "{\"db_instance\": \"main1\"}"));
    assertTrue(unknownField.path("detail").asText().contains("db_instance"),
        unknownField.toString());
    assertProblem(400, "BAD_BACKUP_ID",
        call("POST", restores, "{\"backupId\": \"20261123T091500Z\"}"));
    assertProblem(400, "UNKNOWN_HOST", call("POST", restores, "{\"host\": \"nowhere\"}"));
    assertProblem(400, "BAD_JSON", call("POST", restores, "{\"full\": \"yes\"}"));
    JsonNode both = assertProblem(400, "INVALID_REQUEST",
        call("POST", restores, "{\"incremental\": true, \"full\": true}"));
    assertTrue(both.path("detail").asText().contains("not both"), both.toString());
    assertProblem(400, "BAD_RECOVERY_TARGET",
        call("POST", restores, "{\"recoveryTarget\": {\"lsn\": \"not-an-lsn\"}}"));
    assertProblem(400, "INVALID_REQUEST",
        call("POST", "/api/v1/instances/main1/backups", "{\"type\": \"HUGE\"}"));
    assertProblem(400, "BAD_JSON",
        call("POST", "/api/v1/instances/main1/backups", "{\"kind\": \"FULL\"}"));
    assertProblem(400, "BAD_JOB_ID", call("GET", "/api/v1/jobs/-dash-first", null));
    assertProblem(400, "BAD_JOB_ID", call("POST", "/api/v1/jobs/a%20b/cancel", null));
    assertProblem(400, "BAD_JOB_ID", call("GET", "/api/v1/jobs/%3Cscript%3E/events", null));
    assertProblem(400, "BAD_QUERY", call("GET", "/api/v1/jobs?limit=0", null));
    assertProblem(400, "BAD_QUERY", call("GET", "/api/v1/jobs?limit=ten", null));
    assertProblem(400, "BAD_QUERY", call("GET", "/api/v1/jobs?state=running;drop", null));
    assertProblem(400, "BAD_QUERY", call("GET", "/api/v1/jobs?kind=x&kind=y", null));
    Problem notEncoded = org.junit.jupiter.api.Assertions.assertThrows(Problem.class,
        () -> HttpApi.query("instance=%zz"));
    assertEquals("BAD_QUERY", notEncoded.code());
    assertEquals(Map.of("a", "b c", "d", ""), HttpApi.query("a=b+c&d"));
    assertProblem(400, "BAD_QUERY", call("GET", "/api/v1/instances?verbose=1", null));
    assertProblem(400, "BAD_QUERY", call("POST", restores + "?dryRun=true", "{}"));
    assertEquals(0, ledger.jobs(null, null, 100).size(), "nothing was started");
  }

  @Test
  void anOversizedOrNonJsonBodyIsRefusedUnread() throws Exception {
    String big = "{\"backupId\": \"" + "A".repeat(2000) + "\"}";
    assertProblem(413, "BODY_TOO_LARGE", call("POST", "/api/v1/instances/main1/restores", big));
    assertProblem(415, "UNSUPPORTED_MEDIA_TYPE", call(api, "POST",
        "/api/v1/instances/main1/restores", TOKEN, "text/plain", "db_instance=main1", null));
    // without a length: chunked, counted as it arrives
    HttpRequest chunked = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + api.port() + "/api/v1/instances/main1/backups"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
            big.getBytes(StandardCharsets.UTF_8))))
        .build();
    assertProblem(413, "BODY_TOO_LARGE", http.send(chunked, HttpResponse.BodyHandlers.ofString()));
    assertEquals(0, ledger.jobs(null, null, 100).size(), "nothing was started");
  }

  @Test
  void aSlowClientIsCutOffAndTheServerKeepsAnswering() throws Exception {
    long started = System.nanoTime();
    try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
      slow.setSoTimeout(15_000);
      OutputStream out = slow.getOutputStream();
      InputStream in = slow.getInputStream();
      out.write(("POST /api/v1/instances/main1/backups HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: 20\r\n\r\n{").getBytes(StandardCharsets.UTF_8));
      out.flush();
      int read = 0;
      try {
        for (int i = 0; i < 15 && read >= 0; i++) {
          Thread.sleep(500);
          out.write(' ');
          out.flush();
        }
        read = in.read();
      } catch (IOException cut) {
        read = -1;
      }
      assertEquals(-1, read, "the connection was closed without an answer");
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    assertTrue(seconds < READ_TIMEOUT_SECONDS + 3, "cut off after " + seconds + " s");
    // headers that never end are cut off too
    try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
      slow.setSoTimeout(15_000);
      slow.getOutputStream().write("GET /api/v1/instances HTTP/1.1\r\nHost: x\r\n"
          .getBytes(StandardCharsets.UTF_8));
      int read;
      try {
        read = slow.getInputStream().read();
      } catch (IOException cut) {
        read = -1;
      }
      assertEquals(-1, read);
    }
    assertEquals(200, call("GET", "/api/v1/instances", null).statusCode());
    assertEquals(0, ledger.jobs(null, null, 100).size(), "nothing was started");
  }

  @Test
  void theSeedPathsServeOnlyPgBackRestInstances() throws Exception {
    for (String method : List.of("GET", "POST")) {
      for (String path : List.of("/pgBackRest/info", "/pgBackRest/backup/full",
          "/pgBackRest/backup/diff", "/pgBackRest/backup/incr", "/pgBackRest/restore/delta")) {
        JsonNode none = assertProblem(404, "UNKNOWN_INSTANCE", call(method, path, null));
        assertTrue(none.path("detail").asText().contains("no instance with engine pgbackrest"),
            none.toString());
        assertProblem(404, "UNKNOWN_INSTANCE", call(method, path + "?instance=nosuch", null));
        assertProblem(400, "NOT_SUPPORTED", call(method, path + "?instance=main1", null));
        assertProblem(400, "MISSING_INSTANCE",
            call(twoStanzas, method, path, null, null, null, "text/html"));
        assertProblem(400, "BAD_QUERY", call(method, path + "?stanza=main1", null));
      }
    }
    assertProblem(400, "BAD_QUERY", call("GET", "/pgBackRest/backup/full?wait=yes", null));
    assertProblem(400, "BAD_QUERY", call("GET", "/pgBackRest/info?wait=true", null));
    assertEquals(0, ledger.jobs(null, null, 100).size(), "nothing was started");
  }

  @Test
  void instancesAreListedAsDocumented() throws Exception {
    HttpResponse<String> list = call("GET", "/api/v1/instances", null);
    assertEquals(200, list.statusCode(), list.body());
    assertEquals(List.of(), openApi.check("GET", "/api/v1/instances", 200, "application/json",
        list.body()));
    JsonNode main1 = new ObjectMapper().readTree(list.body()).path("instances").get(0);
    assertEquals("main1", main1.path("name").asText());
    assertEquals("probackup", main1.path("engine").asText());
    assertEquals("[\"FULL\",\"DELTA\",\"PAGE\"]", main1.path("backupTypes").toString());
    HttpResponse<String> one = call("GET", "/api/v1/instances/main1", null);
    assertEquals(List.of(), openApi.check("GET", "/api/v1/instances/main1", 200,
        one.headers().firstValue("Content-Type").orElse(""), one.body()));
    HttpResponse<String> doc = call("GET", "/api/v1/openapi.json", null);
    assertEquals(200, doc.statusCode());
    assertEquals(openApi.doc(), new ObjectMapper().readTree(doc.body()));
  }

  @Test
  void metricsAndHealthAnswer404UntilMountedAndThenWithoutTheToken() throws Exception {
    for (String path : ApiRoutes.MOUNTED_LATER) {
      assertProblem(404, "NOT_FOUND", call(api, "GET", path, null, null, null, null));
    }
    HttpConfig unused = config.http();
    api.mount(ExtraRoute.open("GET", "/healthz", r -> HttpReply.text(200, "text/plain", "ok\n")));
    HttpResponse<String> healthz = call(api, "GET", "/healthz", null, null, null, null);
    assertEquals(200, healthz.statusCode());
    assertEquals("ok\n", healthz.body());
    api.mount(ExtraRoute.of("GET", "/readyz", r -> HttpReply.text(200, "text/plain", "ready\n")));
    assertProblem(401, "TOKEN_REQUIRED", call(api, "GET", "/readyz", null, null, null, null));
    assertEquals("ready\n", call(api, "GET", "/readyz", TOKEN, null, null, null).body());
    assertTrue(unused.enabled());
  }

  @Test
  void connectionsBeyondTheLimitAreClosedAtOnceAndTheOthersAnswered() throws Exception {
    int tries = MAX_CONNECTIONS + 20;
    List<Socket> sockets = new ArrayList<>();
    int answered = 0;
    int refused = 0;
    try {
      for (int i = 0; i < tries; i++) {
        sockets.add(new Socket(InetAddress.getLoopbackAddress(), api.port()));
      }
      byte[] get = ("GET /api/v1/instances HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + TOKEN + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
      for (Socket s : sockets) {
        try {
          s.getOutputStream().write(get);
        } catch (IOException closed) {
          // refused: counted below
        }
      }
      for (Socket s : sockets) {
        s.setSoTimeout(20_000);
        byte[] head = new byte[12];
        int n;
        try {
          n = s.getInputStream().readNBytes(head, 0, head.length);
        } catch (IOException closed) {
          n = 0;
        }
        if (n == head.length && new String(head, StandardCharsets.US_ASCII)
            .equals("HTTP/1.1 200")) {
          answered++;
        } else {
          refused++;
        }
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
    assertEquals(tries, answered + refused);
    assertTrue(answered <= MAX_CONNECTIONS, answered + " answered");
    assertTrue(refused >= tries - MAX_CONNECTIONS, refused + " refused");
    Thread.sleep(200);
    assertEquals(200, call("GET", "/api/v1/instances", null).statusCode(), "answering again");
  }

  @Test
  void twoHundredConcurrentRequestsAreAllAnswered() throws Exception {
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String path = i % 2 == 0 ? "/api/v1/instances" : "/api/v1/jobs?limit=5";
      calls.add(http.sendAsync(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + api.port() + path))
          .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (var c : calls) {
      assertEquals(200, c.get(30, TimeUnit.SECONDS).statusCode());
    }
  }
}
