package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.worker.config.HttpConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.gateway.SharedToken;
import dev.restoreflow.worker.http.HttpApi;
import dev.restoreflow.worker.http.OpenApiChecker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * The HTTP API inside the server, with a real HTTP client (and curl) against a real cluster
 * restored and backed up by the pg_probackup simulator: every endpoint, checked against the
 * OpenAPI document; bad input that starts nothing; a restore followed over Server-Sent Events;
 * 200 requests at once. The seed's /pgBackRest paths are exercised twice: on the API as shipped
 * (no pgbackrest instance here: their errors) and on a second server whose seed paths serve the
 * simulator's engine, so that their waits, log lines and pages run for real.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HttpApiIT {

  private static final String TOKEN = "it-token-0123456789";
  /** The failsafe JVM's sun.net.httpserver.maxReqTime (worker/pom.xml): the JDK reads it once. */
  private static final int READ_TIMEOUT_SECONDS = 3;

  private final ObjectMapper json = new ObjectMapper();
  private final OpenApiChecker openApi = OpenApiChecker.load();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private ItSandbox main1;
  private ItTemporal temporal;
  private HttpApi api;
  private HttpApi seedOnSimulator;
  private String fullId;
  private Map<String, String> atFull;
  private String restoreJob;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "S-DB1");
    main1.sandbox.loadDemoData(2_000);
    fullId = main1.sandbox.backup("FULL");
    atFull = main1.sandbox.fingerprint();
    assertEquals(String.valueOf(READ_TIMEOUT_SECONDS),
        System.getProperty("sun.net.httpserver.maxReqTime"),
        "the slow-client test needs this JVM's request time limit (worker/pom.xml, failsafe)");
    ItServer server = ItTemporal.startServer();
    RestoreflowConfig config = ItSandbox.config(server.target(),
        main1.stateDir().resolve("ledger.db"), main1);
    config = config.withHttp(new HttpConfig(true, "127.0.0.1", 0, null, 16, 512, 512, 4096,
        READ_TIMEOUT_SECONDS, 4, 120));
    temporal = ItTemporal.start(server, config, List.of("S-DB1"));
    api = HttpApi.start(config, temporal.restoreflow, temporal.ledger, SharedToken.of(TOKEN),
        "pgbackrest");
    seedOnSimulator = HttpApi.start(config, temporal.restoreflow, temporal.ledger,
        SharedToken.of(TOKEN), "probackup");
  }

  @AfterAll
  void tearDown() throws Exception {
    for (HttpApi server : new HttpApi[] {api, seedOnSimulator}) {
      if (server != null) {
        server.close();
      }
    }
    if (temporal != null) {
      temporal.close();
    }
    if (main1 != null) {
      main1.close();
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  private HttpRequest.Builder request(HttpApi server, String method, String path, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofMinutes(2))
        .header("Authorization", "Bearer " + TOKEN)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
  }

  /** Sends the request and checks the answer against the OpenAPI document. */
  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertDocumented(response);
    return response;
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    HttpRequest.Builder r = request(api, method, path, body);
    if (body != null) {
      r.header("Content-Type", "application/json");
    }
    return send(r);
  }

  private void assertDocumented(HttpResponse<String> response) throws IOException {
    String method = response.request().method();
    String path = response.request().uri().getPath();
    String type = response.headers().firstValue("Content-Type").orElse(null);
    List<String> violations = openApi.documents(method, path)
        ? openApi.check(method, path, response.statusCode(), type, response.body())
        : openApi.checkSchema("Problem", json.readTree(response.body()));
    assertTrue(violations.isEmpty(), method + " " + path + " -> " + response.statusCode() + " "
        + response.body() + ": " + violations);
  }

  private JsonNode ok(int status, HttpResponse<String> response) throws IOException {
    assertEquals(status, response.statusCode(), response.request().uri() + ": " + response.body());
    return json.readTree(response.body());
  }

  private void assertProblem(int status, String code, HttpResponse<String> response)
      throws IOException {
    String what = response.request().method() + " " + response.request().uri() + " -> "
        + response.body();
    assertEquals(status, response.statusCode(), what);
    assertEquals("application/problem+json", response.headers().firstValue("Content-Type")
        .orElse(""), what);
    assertEquals(code, json.readTree(response.body()).path("code").asText(), what);
  }

  private JsonNode awaitJob(String jobId, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    JsonNode job = null;
    while (System.nanoTime() < deadline) {
      job = ok(200, call("GET", "/api/v1/jobs/" + jobId, null));
      if (!List.of("RESOLVING", "QUEUED", "RUNNING").contains(job.path("state").asText())) {
        break;
      }
      Thread.sleep(300);
    }
    assertNotNull(job);
    assertEquals(state, job.path("state").asText(), job.toString());
    return job;
  }

  private int ledgerRows() {
    return temporal.ledger.jobs(null, null, 100_000).size();
  }

  // ------------------------------------------------------------------------------------ tests

  @Test
  @Order(1)
  void instancesCatalogAndTheDocumentAnswerAsDocumented() throws Exception {
    JsonNode instances = ok(200, call("GET", "/api/v1/instances", null)).path("instances");
    assertEquals(1, instances.size());
    assertEquals("main1", instances.get(0).path("name").asText());
    assertEquals("S-DB1", instances.get(0).path("host").asText());
    JsonNode one = ok(200, call("GET", "/api/v1/instances/main1", null));
    assertEquals("probackup", one.path("engine").asText());
    JsonNode catalog = ok(200, call("GET", "/api/v1/instances/main1/backups", null));
    assertEquals("main1", catalog.path("instance").asText());
    assertEquals(fullId, catalog.path("backups").get(0).path("id").asText(), catalog.toString());
    JsonNode doc = ok(200, call("GET", "/api/v1/openapi.json", null));
    assertEquals("3.0.3", doc.path("openapi").asText());
    assertEquals(0, ok(200, call("GET", "/api/v1/jobs", null)).path("jobs").size());
  }

  @Test
  @Order(2)
  void aBackupStartedOverHttpRunsAndIsListedByKind() throws Exception {
    HttpResponse<String> started = call("POST", "/api/v1/instances/main1/backups",
        "{\"type\": \"full\"}");
    JsonNode job = ok(202, started);
    String jobId = job.path("jobId").asText();
    assertEquals("/api/v1/jobs/" + jobId, started.headers().firstValue("Location").orElse(""));
    assertEquals("backup", job.path("kind").asText());
    JsonNode done = awaitJob(jobId, "SUCCEEDED");
    assertTrue(done.path("steps").size() > 0, done.toString());
    JsonNode backups = ok(200, call("GET", "/api/v1/jobs?kind=backup&instance=main1", null));
    assertEquals(jobId, backups.path("jobs").get(0).path("jobId").asText());
    assertEquals(0, ok(200, call("GET", "/api/v1/jobs?kind=restore", null)).path("jobs").size());
    assertEquals(1, ok(200, call("GET", "/api/v1/jobs?state=SUCCEEDED&limit=1", null))
        .path("jobs").size());
    JobRow row = temporal.ledger.job(jobId).orElseThrow();
    assertEquals("http", row.requestedVia());
    assertEquals(2, ok(200, call("GET", "/api/v1/instances/main1/backups", null))
        .path("backups").size());
  }

  @Test
  @Order(3)
  void aRestoreIsFollowedOverServerSentEventsAndAQueuedOneIsCancelled() throws Exception {
    main1.throttleRestores(5);
    JsonNode running = ok(202, call("POST", "/api/v1/instances/main1/restores",
        "{\"backupId\": \"" + fullId + "\"}"));
    restoreJob = running.path("jobId").asText();
    JsonNode queued = ok(202, call("POST", "/api/v1/instances/main1/restores",
        "{\"host\": \"S-DB1\", \"incremental\": true}"));
    String queuedJob = queued.path("jobId").asText();
    assertEquals(1, queued.path("queuePosition").asInt(), queued.toString());
    JsonNode cancelled = ok(202, call("POST", "/api/v1/jobs/" + queuedJob + "/cancel", null));
    assertEquals(queuedJob, cancelled.path("jobId").asText());

    HttpResponse<Stream<String>> stream = http.send(
        request(api, "GET", "/api/v1/jobs/" + restoreJob + "/events", null).build(),
        HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, stream.statusCode());
    assertEquals("text/event-stream", stream.headers().firstValue("Content-Type").orElse(""));
    List<String> events = new ArrayList<>();
    List<JsonNode> jobs = new ArrayList<>();
    String event = null;
    for (Iterator<String> lines = stream.body().iterator(); lines.hasNext(); ) {
      String line = lines.next();
      if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ")) {
        JsonNode data = json.readTree(line.substring(6));
        assertEquals(List.of(), openApi.checkSchema("Job", data), line);
        events.add(event);
        jobs.add(data);
        if (!event.equals("progress")) {
          break;
        }
      }
    }
    stream.body().close();
    assertEquals("end", events.get(events.size() - 1), events.toString());
    JsonNode last = jobs.get(jobs.size() - 1);
    assertEquals("SUCCEEDED", last.path("state").asText(), last.toString());
    assertTrue(events.size() >= 3, "progress as it happened: " + events);
    assertTrue(jobs.stream().anyMatch(j -> "ProbackupRestore".equals(j.path("currentStep")
        .asText())), "the restore step was seen running");
    assertTrue(jobs.stream().anyMatch(j -> j.path("heartbeat").path("filesDone").asLong() > 0),
        "the restore step's heartbeat was streamed: " + jobs);
    assertEquals(atFull, main1.sandbox.fingerprint());
    main1.throttleRestores(0);

    assertEquals("CANCELLED", awaitJob(queuedJob, "CANCELLED").path("state").asText());
    assertProblem(409, "JOB_ENDED", call("POST", "/api/v1/jobs/" + queuedJob + "/cancel", null));
    HttpResponse<String> endedStream = send(request(api, "GET",
        "/api/v1/jobs/" + queuedJob + "/events", null));
    assertTrue(endedStream.body().startsWith("id: 1\nevent: end\ndata: {"), endedStream.body());
  }

  @Test
  @Order(4)
  void theSeedPathsWaitAnswerLogLinesAndPages() throws Exception {
    // curl, as the seed's README does
    Process curl = new ProcessBuilder("curl", "-sS", "-H", "Authorization: Bearer " + TOKEN,
        "http://127.0.0.1:" + seedOnSimulator.port() + "/pgBackRest/info").start();
    assertTrue(curl.waitFor(60, TimeUnit.SECONDS));
    JsonNode info = json.readTree(curl.getInputStream().readAllBytes());
    assertEquals(0, curl.exitValue());
    assertEquals("main1", info.path("instance").asText(), info.toString());
    assertEquals(fullId, info.path("backups").get(0).path("id").asText());
    HttpResponse<String> page = send(request(seedOnSimulator, "GET", "/pgBackRest/info", null)
        .header("Accept", "text/html"));
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<h1> Success </h1> <br/>") && page.body().contains(fullId),
        page.body());

    JsonNode backup = ok(200, send(request(seedOnSimulator, "POST",
        "/pgBackRest/backup/full?wait=true", null)));
    assertEquals("SUCCEEDED", backup.path("job").path("state").asText(), backup.toString());
    assertTrue(backup.path("log").get(0).asText().contains("backup of main1"), backup.toString());

    HttpResponse<String> restored = send(request(seedOnSimulator, "GET",
        "/pgBackRest/restore/delta?wait=true", null).header("Accept", "text/html"));
    assertEquals(200, restored.statusCode(), restored.body());
    assertTrue(restored.body().contains("<h1> Success </h1>")
        && restored.body().contains("ProbackupRestore"), restored.body());
    assertEquals(atFull, main1.sandbox.fingerprint());

    JsonNode started = ok(202, send(request(seedOnSimulator, "GET",
        "/pgBackRest/restore/delta", null)));
    awaitJob(started.path("jobId").asText(), "SUCCEEDED");
    assertProblem(400, "INVALID_REQUEST", send(request(seedOnSimulator, "GET",
        "/pgBackRest/backup/diff", null)));
    // the API as shipped: no pgbackrest instance here
    Process refused = new ProcessBuilder("curl", "-sS", "-w", "\n%{http_code}", "-H",
        "Authorization: Bearer " + TOKEN,
        "http://127.0.0.1:" + api.port() + "/pgBackRest/backup/full").start();
    assertTrue(refused.waitFor(60, TimeUnit.SECONDS));
    String[] out = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        .split("\n");
    assertEquals("404", out[out.length - 1]);
    assertEquals("UNKNOWN_INSTANCE", json.readTree(out[0]).path("code").asText());
  }

  @Test
  @Order(5)
  void badInputGetsItsProblemAndStartsNothing() throws Exception {
    int rows = ledgerRows();
    String restores = "/api/v1/instances/main1/restores";
    assertProblem(401, "TOKEN_REQUIRED", send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + api.port() + restores))
        .POST(HttpRequest.BodyPublishers.ofString("{}"))));
    assertProblem(401, "BAD_TOKEN", send(request(api, "POST", restores, "{}")
        .setHeader("Authorization", "Bearer " + TOKEN + "0")));
    assertProblem(404, "UNKNOWN_INSTANCE", call("POST", "/api/v1/instances/main2/restores", "{}"));
    assertProblem(404, "UNKNOWN_INSTANCE", call("GET", "/pgBackRest/info?instance=main2", null));
    assertProblem(400, "BAD_BACKUP_ID", call("POST", restores, "{\"backupId\": \"SSCOA\"}"));
    assertProblem(400, "UNKNOWN_HOST", call("POST", restores, "{\"host\": \"S-DB9\"}"));
    assertProblem(400, "BAD_JSON", call("POST", restores, "{\"backupId\": SSCOAD}"));
    assertProblem(400, "BAD_JSON", call("POST", restores, "{\"instance\": \"main1\"}"));
    assertProblem(413, "BODY_TOO_LARGE", call("POST", restores,
        "{\"backupId\": \"" + "S".repeat(5000) + "\"}"));
    assertProblem(405, "METHOD_NOT_ALLOWED", call("DELETE", "/api/v1/jobs/" + restoreJob, null));
    assertProblem(404, "NOT_FOUND", call("GET", "/api/v1/restore", null));
    assertProblem(404, "UNKNOWN_JOB", call("GET", "/api/v1/jobs/main1-20991231-000000-abcdef", null));
    assertProblem(404, "UNKNOWN_JOB", call("GET", "/api/v1/jobs/nosuch/events", null));
    assertProblem(404, "UNKNOWN_JOB", call("POST", "/api/v1/jobs/nosuch/cancel", null));
    // a slow client: its body trickles in, and it is cut off
    long started = System.nanoTime();
    try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
      slow.setSoTimeout(20_000);
      OutputStream out = slow.getOutputStream();
      InputStream in = slow.getInputStream();
      byte[] body = "{\"backupId\": null}".getBytes(StandardCharsets.UTF_8);
      out.write(("POST " + restores + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      int read;
      try {
        for (int i = 0; i < body.length - 1; i++) {
          out.write(body[i]);
          out.flush();
          Thread.sleep(500);
        }
        read = in.read();
      } catch (IOException cut) {
        read = -1;
      }
      assertEquals(-1, read, "cut off without an answer");
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    assertTrue(seconds < READ_TIMEOUT_SECONDS + 3, "cut off after " + seconds + " s");
    assertEquals(rows, ledgerRows(), "no job started");
    assertEquals(null, temporal.restoreflow.queue("S-DB1").running(), "nothing runs on S-DB1");
  }

  @Test
  @Order(6)
  void twoHundredRequestsAtOnceAreAllAnswered() throws Exception {
    List<String> paths = List.of("/api/v1/instances", "/api/v1/jobs?limit=10",
        "/api/v1/jobs/" + restoreJob, "/api/v1/instances/main1");
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      calls.add(http.sendAsync(request(api, "GET", paths.get(i % paths.size()), null).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> c : calls) {
      HttpResponse<String> response = c.get(2, TimeUnit.MINUTES);
      assertEquals(200, response.statusCode(), response.body());
      assertDocumented(response);
    }
    System.out.printf("HTTP API: 200 requests at once answered in %.2f s%n",
        (System.nanoTime() - started) / 1e9);
    assertEquals(200, call("GET", "/api/v1/instances", null).statusCode());
  }
}
