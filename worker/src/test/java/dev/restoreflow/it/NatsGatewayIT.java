package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.worker.Workers;
import dev.restoreflow.worker.config.ConfigLoader;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.nats.LocalNatsServer;
import dev.restoreflow.worker.nats.NatsGateway;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NATS gateway of seed 002 in two real {@code restoreflow server} processes on one real
 * nats-server (127.0.0.1, a free port), asked by clients outside restoreflow: the {@code nats}
 * CLI built from its Go module, and jnats. The instance here is of an engine that backs up whole
 * clusters (probackup, nothing installed), so every backup and restore is refused: the bad
 * replies, listings, discovery, the queue group, fuzz and a NATS restart are tested here. The
 * ok paths need engine {@code mysqltables} and a MariaDB: {@link #seedExamplesOnMysqlTables}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NatsGatewayIT {

  private static final Logger log = LoggerFactory.getLogger(NatsGatewayIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SERVICE = "restoreflow-backup";
  private static final String ARCHIVE = "2021-11-28_23-49-44-backup.7z";
  private static final Duration REPLY = Duration.ofSeconds(30);
  /** Requests the two servers share: 100 here; bench/gateway-volume asks for 500 (NATS=500). */
  private static final int SHARED_REQUESTS = Integer.getInteger("nats.load.requests", 100);

  private Path state;
  private LocalNatsServer nats;
  private NatsCli cli;
  private ItServer temporal;
  private WorkflowServiceStubs service;
  private WorkerFactory hostWorker;
  private final List<RestoreflowProcess> servers = new ArrayList<>();
  private final List<Path> ledgers = new ArrayList<>();
  private Path catalogDir;
  private Connection client;

  @BeforeAll
  void setUp() throws Exception {
    state = Files.createTempDirectory("restoreflow-nats-it");
    Path binary = LocalNatsServer.find().orElseThrow(() -> new IllegalStateException(
        "no nats-server (/usr/sbin/nats-server): run scripts/setup, or apt-get install"
            + " nats-server"));
    nats = LocalNatsServer.start(binary, state.resolve("nats-server.log"));
    cli = NatsCli.forServer(nats.url());
    temporal = ItServer.embedded();
    catalogDir = state.resolve("catalog");
    RestoreflowConfig config = null;
    for (String name : List.of("a", "b")) {
      Path ledger = state.resolve("ledger-" + name + ".db");
      ledgers.add(ledger);
      Path file = state.resolve("config-" + name + ".json");
      Files.writeString(file, config(ledger, state.resolve("logs-" + name)));
      config = ConfigLoader.load(file);
      servers.add(RestoreflowProcess.server(file, state.resolve("server-" + name + ".out")));
    }
    service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget(temporal.target()).build());
    hostWorker = WorkerFactory.newInstance(WorkflowClient.newInstance(service));
    Workers.addHost(hostWorker, config, "local");
    hostWorker.start();
    client = Nats.connect(nats.url());
    awaitServers(2, Duration.ofSeconds(90));
  }

  private String config(Path ledger, Path logs) {
    return """
        {"temporal": {"target": "%s", "namespace": "default"},
         "ledger": "%s", "logDir": "%s",
         "hosts": {"local": {"kind": "local"}},
         "instances": {"shop": {"engine": "probackup", "host": "local",
           "pgdata": "%s", "probackup": {"catalog": "%s", "instance": "shop"}}},
         "lineGateway": {"enabled": false}, "http": {"enabled": false},
         "nats": {"url": "%s", "instance": "shop", "requestTimeoutSeconds": 20}}
        """.formatted(temporal.target(), ledger, logs, state.resolve("never/pgdata"), catalogDir,
        nats.url());
  }

  @AfterAll
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    for (RestoreflowProcess server : servers) {
      server.close();
    }
    if (hostWorker != null) {
      hostWorker.shutdownNow();
      hostWorker.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (service != null) {
      service.shutdownNow();
    }
    if (temporal != null) {
      temporal.close();
    }
    if (nats != null) {
      nats.close();
    }
  }

  /** Waits until {@code count} servers answer {@code $SRV.PING.<service>}. */
  private void awaitServers(int count, Duration within) throws Exception {
    long until = System.nanoTime() + within.toNanos();
    int seen = 0;
    while (System.nanoTime() < until) {
      seen = gather("$SRV.PING." + SERVICE, new byte[0], null, Duration.ofMillis(500)).size();
      if (seen >= count) {
        return;
      }
      for (RestoreflowProcess server : servers) {
        assertTrue(server.isAlive(), "a restoreflow server ended; see " + state);
      }
    }
    throw new AssertionError(seen + " of " + count + " restoreflow servers registered with NATS"
        + " within " + within + "; see " + state);
  }

  /** Every reply to one request that arrives within {@code wait}. */
  private List<String> gather(String subject, byte[] body, Headers headers, Duration wait)
      throws InterruptedException {
    List<String> replies = new CopyOnWriteArrayList<>();
    String inbox = client.createInbox();
    Dispatcher dispatcher = client.createDispatcher(m -> replies.add(
        new String(m.getData(), StandardCharsets.UTF_8)));
    dispatcher.subscribe(inbox);
    try {
      client.publish(NatsMessage.builder().subject(subject).replyTo(inbox).headers(headers)
          .data(body).build());
      client.flush(Duration.ofSeconds(5));
      Thread.sleep(wait.toMillis());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("flush to NATS timed out", e);
    } finally {
      client.closeDispatcher(dispatcher);
    }
    return replies;
  }

  /** The one reply of jnats' request. */
  private String jnats(String subject, String body, String... headerPairs) throws Exception {
    Headers headers = new Headers();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.add(headerPairs[i], headerPairs[i + 1]);
    }
    Message reply = client.request(NatsMessage.builder().subject(subject)
        .headers(headerPairs.length == 0 ? null : headers)
        .data(body.getBytes(StandardCharsets.UTF_8)).build(), REPLY);
    assertNotNull(reply, "no reply to " + subject + " within " + REPLY);
    return new String(reply.getData(), StandardCharsets.UTF_8);
  }

  private static Map<String, String> parsed(String reply) throws IOException {
    return JSON.readValue(reply, new TypeReference<Map<String, String>>() { });
  }

  /** A bad reply of makebackup as the seed shapes it, with the reason added. */
  private static void assertBadBackup(String reply) throws IOException {
    Map<String, String> fields = parsed(reply);
    assertEquals("bad", fields.get("status"), reply);
    assertEquals("", fields.get("futurefilename"), reply);
    assertFalse(fields.getOrDefault("error", "").isBlank(), reply);
    assertTrue(reply.startsWith("{\"status\": \"bad\", \"futurefilename\": \"\""), reply);
  }

  private static void assertBadStatus(String reply) throws IOException {
    Map<String, String> fields = parsed(reply);
    assertEquals("bad", fields.get("status"), reply);
    assertFalse(fields.getOrDefault("error", "").isBlank(), reply);
  }

  private static void assertBadArchive(String name, String reply) throws IOException {
    Map<String, String> fields = parsed(reply);
    assertEquals("bad", fields.get(name), reply);
    assertFalse(fields.getOrDefault("error", "").isBlank(), reply);
  }

  @Test
  @Order(1)
  void listBackupsOfAnEmptyPlaceIsAnEmptyObjectForBothClients() throws Exception {
    assertEquals("{}", cli.request("backup.listbackups", "listfiles"));
    assertEquals("{}", jnats("backup.listbackups", "listfiles"));
    assertEquals("{}", jnats("backup.listbackups", ""));
  }

  @Test
  @Order(2)
  void makeBackupRefusedByTheEngineGetsTheSeedsBadReplyInBothForms() throws Exception {
    // probackup backs up whole clusters: the resolver refuses tables (NOT_SUPPORTED)
    String body = cli.request("backup.makebackup", "makebackup=table1,table2,table3");
    assertBadBackup(body);
    assertTrue(parsed(body).get("error").contains("NOT_SUPPORTED"), body);
    assertBadBackup(cli.request("backup.makebackup", "makebackup",
        "tables: table1,table2,table3"));
    assertBadBackup(jnats("backup.makebackup", "makebackup=table1,table2,table3"));
    assertBadBackup(jnats("backup.makebackup", "makebackup", "tables", "table1,table2,table3"));
  }

  @Test
  @Order(3)
  void archiveThatIsMissingOrNotOfThePromisedFormIsBadUnderItsName() throws Exception {
    assertBadArchive("wrong.7z", cli.request("backup.archive", "archivename=wrong.7z"));
    assertBadArchive("2021-11-28_20-30-39-backupf.7z", cli.request("backup.archive",
        "archivename=2021-11-28_20-30-39-backupf.7z"));
    assertBadArchive("2021-11-28_20-30-39-backup.7z", cli.request("backup.archive",
        "archive", "archivename:2021-11-28_20-30-39-backup.7z"));
    assertBadArchive("2021-11-28_20-30-39-backup.7z", jnats("backup.archive",
        "archivename=2021-11-28_20-30-39-backup.7z"));
    assertBadArchive("2021-11-28_20-30-39-backup.7z", jnats("backup.archive", "archive",
        "archivename", "2021-11-28_20-30-39-backup.7z"));
  }

  @Test
  @Order(4)
  void restoreOfTheSeedsExamplesIsBadHereInBothForms() throws Exception {
    String seedBad = cli.request("backup.restore", "archive=" + ARCHIVE
        + ";tables=table1.sql,table2.sql,table3.sqld");
    assertBadStatus(seedBad);
    assertTrue(seedBad.startsWith("{\"status\": \"bad\""), seedBad);
    // well-formed, but no such archive in the catalog
    assertBadStatus(cli.request("backup.restore", "archive=" + ARCHIVE
        + ";tables=table1.sql,table2.sql,table3.sql"));
    assertBadStatus(cli.request("backup.restore", "archive", "archivename:" + ARCHIVE,
        "tables:table1.sql,table2.sql,table3.sql"));
    assertBadStatus(jnats("backup.restore", "archive", "archivename", ARCHIVE, "tables",
        "table1.sql,table2.sql,table3.sql"));
  }

  @Test
  @Order(5)
  void statusOfAnUnknownJobIsBad() throws Exception {
    String reply = cli.request("backup.status", "job=shop-20261130-000000-abcdef");
    assertBadStatus(reply);
    assertTrue(parsed(reply).get("error").contains("no job"), reply);
    assertBadStatus(jnats("backup.status", "", "job", "shop-20261130-000000-abcdef"));
  }

  @Test
  @Order(6)
  void discoveryFindsBothServersWithTheirEndpointsAndStats() throws Exception {
    List<String> pings = gather("$SRV.PING." + SERVICE, new byte[0], null, Duration.ofSeconds(1));
    assertEquals(2, pings.size(), pings.toString());
    List<String> infos = gather("$SRV.INFO." + SERVICE, new byte[0], null, Duration.ofSeconds(1));
    assertEquals(2, infos.size(), infos.toString());
    for (String info : infos) {
      JsonNode node = JSON.readTree(info);
      Set<String> subjects = new java.util.TreeSet<>();
      node.get("endpoints").forEach(e -> subjects.add(e.get("subject").asText()));
      assertEquals(Set.of("backup.listbackups", "backup.makebackup", "backup.archive",
          "backup.restore", "backup.status"), subjects, info);
    }
    List<String> stats = gather("$SRV.STATS." + SERVICE, new byte[0], null,
        Duration.ofSeconds(1));
    assertEquals(2, stats.size(), stats.toString());
    assertTrue(stats.get(0).contains("\"num_requests\""), stats.get(0));
  }

  /** Request number {@code i}: a reply subject of its own under {@code prefix}. */
  private Map<Integer, List<String>> sendAll(List<NatsMessage.Builder> requests, String prefix,
      Duration within) throws Exception {
    Map<Integer, List<String>> replies = new ConcurrentHashMap<>();
    AtomicInteger answered = new AtomicInteger();
    Dispatcher dispatcher = client.createDispatcher(m -> {
      int i = Integer.parseInt(m.getSubject().substring(prefix.length() + 1));
      List<String> list = replies.computeIfAbsent(i, k -> new CopyOnWriteArrayList<>());
      list.add(new String(m.getData(), StandardCharsets.UTF_8));
      if (list.size() == 1) {
        answered.incrementAndGet();
      }
    });
    dispatcher.subscribe(prefix + ".>");
    try {
      client.flush(Duration.ofSeconds(5));
      for (int i = 0; i < requests.size(); i++) {
        client.publish(requests.get(i).replyTo(prefix + "." + i).build());
      }
      client.flush(Duration.ofSeconds(10));
      long until = System.nanoTime() + within.toNanos();
      while (answered.get() < requests.size() && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      Thread.sleep(2000); // a second reply to any of them would come within this
    } finally {
      client.closeDispatcher(dispatcher);
    }
    return replies;
  }

  private static void assertEachAnsweredOnce(int count, Map<Integer, List<String>> replies) {
    List<Integer> unanswered = new ArrayList<>();
    List<Integer> twice = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = replies.getOrDefault(i, List.of()).size();
      if (n == 0) {
        unanswered.add(i);
      } else if (n > 1) {
        twice.add(i);
      }
    }
    assertTrue(unanswered.isEmpty() && twice.isEmpty(), unanswered.size() + " requests had no"
        + " reply (e.g. " + unanswered.stream().limit(5).toList() + "), " + twice.size()
        + " had more than one (e.g. " + twice.stream().limit(5).toList() + ")");
  }

  @Test
  @Order(7)
  void twoServersOnTheSameSubjectsAnswerEachOfManyRequestsOnce() throws Exception {
    Map<String, Long> before = requestsPerServer();
    List<NatsMessage.Builder> requests = new ArrayList<>();
    for (int i = 0; i < SHARED_REQUESTS; i++) {
      requests.add(i % 5 == 0
          ? NatsMessage.builder().subject("backup.listbackups").data("listfiles",
              StandardCharsets.UTF_8)
          : NatsMessage.builder().subject("backup.status").data(
              "job=shop-20261130-000000-" + String.format("%06x", i), StandardCharsets.UTF_8));
    }
    long started = System.nanoTime();
    Map<Integer, List<String>> replies = sendAll(requests, "_INBOX.shared", Duration.ofMinutes(3));
    log.info("{} requests answered in {} ms", SHARED_REQUESTS,
        (System.nanoTime() - started) / 1_000_000);
    assertEachAnsweredOnce(SHARED_REQUESTS, replies);
    for (int i = 0; i < SHARED_REQUESTS; i++) {
      String reply = replies.get(i).get(0);
      if (i % 5 == 0) {
        assertEquals("{}", reply);
      } else {
        assertBadStatus(reply);
      }
    }
    Map<String, Long> after = requestsPerServer();
    assertEquals(2, after.size(), after.toString());
    long total = 0;
    for (Map.Entry<String, Long> server : after.entrySet()) {
      long served = server.getValue() - before.getOrDefault(server.getKey(), 0L);
      assertTrue(served > 0, "server " + server.getKey() + " answered none: " + after);
      total += served;
    }
    assertEquals(SHARED_REQUESTS, total, "the servers' own counts");
  }

  /** Requests each server has answered, by service id, from {@code $SRV.STATS}. */
  private Map<String, Long> requestsPerServer() throws Exception {
    Map<String, Long> counts = new java.util.TreeMap<>();
    for (String stats : gather("$SRV.STATS." + SERVICE, new byte[0], null,
        Duration.ofSeconds(1))) {
      JsonNode node = JSON.readTree(stats);
      long sum = 0;
      for (JsonNode endpoint : node.get("endpoints")) {
        sum += endpoint.path("num_requests").asLong();
      }
      counts.put(node.get("id").asText(), sum);
    }
    return counts;
  }

  @Test
  @Order(8)
  void fiveThousandMalformedRequestsGetBadRepliesAndStartNothing() throws Exception {
    Random random = new Random(16_002);
    List<NatsMessage.Builder> requests = new ArrayList<>();
    List<String> subjects = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      MalformedNatsRequests.Request r = MalformedNatsRequests.next(random);
      subjects.add(r.endpoint());
      requests.add(NatsMessage.builder().subject("backup." + r.endpoint()).headers(r.headers())
          .data(r.body()));
    }
    long started = System.nanoTime();
    Map<Integer, List<String>> replies = sendAll(requests, "_INBOX.fuzz", Duration.ofMinutes(3));
    long millis = (System.nanoTime() - started) / 1_000_000;
    log.info("5000 malformed requests answered in {} ms", millis);
    assertEachAnsweredOnce(5000, replies);
    for (int i = 0; i < 5000; i++) {
      String reply = replies.get(i).get(0);
      assertFalse(parsed(reply).getOrDefault("error", "").contains("busy"),
          "refused as malformed, not for want of threads: " + reply);
      switch (subjects.get(i)) {
        case "makebackup" -> assertBadBackup(reply);
        case "archive" -> {
          Map<String, String> fields = parsed(reply);
          assertTrue(fields.containsValue("bad") && !fields.getOrDefault("error", "").isBlank(),
              reply);
        }
        default -> assertBadStatus(reply);
      }
    }
    Set<String> jobs = WorkflowIds.of(service, "default").stream()
        .filter(id -> id.startsWith("backup-") || id.startsWith("restore-"))
        .collect(Collectors.toSet());
    assertEquals(Set.of(), jobs, "no backup or restore job started");
    for (Path ledger : ledgers) {
      try (JobLedger rows = new JobLedger(ledger)) {
        assertEquals(List.of(), rows.jobs(null, null, 10), "ledger " + ledger);
      }
    }
    assertTrue(!Files.exists(catalogDir) || isEmpty(catalogDir), "nothing written to "
        + catalogDir);
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  @Test
  @Order(9)
  void statusOfARealJobSaysItsStateAndStep() throws Exception {
    // a restore started apart from NATS: it fails in PlanRestore (no pg_probackup here)
    var restoreflow = new dev.restoreflow.client.RestoreflowClient(
        WorkflowClient.newInstance(service));
    String job = restoreflow.submit(dev.restoreflow.workflows.model.RestoreRequest.of("shop")
        .withHost("local")).jobId();
    Map<String, String> fields = parsed(cli.request("backup.status", "job=" + job));
    assertEquals("ok", fields.get("status"), fields.toString());
    assertEquals(job, fields.get("job"));
    assertTrue(Set.of("RESOLVING", "QUEUED", "RUNNING", "FAILED").contains(fields.get("state")),
        fields.toString());
    long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!"FAILED".equals(fields.get("state")) && System.nanoTime() < until) {
      Thread.sleep(500);
      fields = parsed(jnats("backup.status", "", "job", job));
    }
    assertEquals("FAILED", fields.get("state"), fields.toString());
    assertTrue(fields.get("progress").matches("\\d+/\\d+ steps"), fields.toString());
    assertFalse(fields.getOrDefault("message", "").isBlank(), fields.toString());
  }

  @Test
  @Order(10)
  void aNatsServerRestartLeavesTheServersUpAndServing() throws Exception {
    int port = nats.port();
    nats.close();
    Thread.sleep(1500);
    nats = LocalNatsServer.start(LocalNatsServer.find().orElseThrow(), port,
        state.resolve("nats-server.log"));
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until && client.getStatus() != Connection.Status.CONNECTED) {
      Thread.sleep(100);
    }
    for (RestoreflowProcess server : servers) {
      assertTrue(server.isAlive(), "a restoreflow server ended with the NATS server");
    }
    awaitServers(2, Duration.ofSeconds(60));
    assertEquals("{}", cli.request("backup.listbackups", "listfiles"));
  }

  /** The seed's ok replies, on engine mysqltables and a real MariaDB. */
  @Test
  @Order(11)
  void seedExamplesOnMysqlTables() throws Exception {
    try (MariaDbServer mariadb = MariaDbServer.start()) {
      MysqlTablesSeedExamples.run(mariadb, state.resolve("mysqltables"), nats, cli);
    }
  }
}
