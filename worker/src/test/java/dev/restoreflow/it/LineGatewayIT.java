package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.probackup.ProbackupConfig;
import dev.restoreflow.worker.config.LineGatewayConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.gateway.GatewayError;
import dev.restoreflow.worker.gateway.LineGateway;
import dev.restoreflow.worker.gateway.LineService;
import dev.restoreflow.workflows.RestoreWorkflow;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The nc line gateway inside the server: the seed's lines against a real cluster on host S-DB1,
 * and a bounded load and fuzz test against four instant (command-free) hosts h1..h4.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class LineGatewayIT {

  private static final Pattern OK = Pattern.compile(
      "OK job=(\\S+) workflow=(\\S+) host=(\\S+) queue=(-?\\d+)");
  private static final List<String> FAKE_HOSTS = List.of("h1", "h2", "h3", "h4");
  /**
   * Requests each of the 50 load connections sends: 4 here (200 requests, 50 a host queue);
   * bench/gateway-volume asks for 20 (1000; LOAD=20) with -Dgateway.load.perConnection.
   */
  private static final int LOAD_PER_CONNECTION = Integer.getInteger("gateway.load.perConnection", 4);

  private ItSandbox main1;
  private ItTemporal temporal;
  private LineGateway gateway;
  private RestoreflowConfig config;
  private Path configFile;
  private final Map<String, InstantHost> fakes = new LinkedHashMap<>();
  private String fullId;
  private Map<String, String> atFull;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "S-DB1");
    main1.sandbox.loadDemoData(2_000);
    fullId = main1.sandbox.backup("FULL");
    atFull = main1.sandbox.fingerprint();
    var server = ItTemporal.startServer();
    Map<String, HostConfig> hosts = new LinkedHashMap<>();
    Map<String, InstanceConfig> instances = new LinkedHashMap<>();
    hosts.put("S-DB1", new HostConfig(HostConfig.LOCAL));
    instances.put("main1", main1.instance);
    for (String h : FAKE_HOSTS) {
      hosts.put(h, new HostConfig(HostConfig.LOCAL));
      InstanceConfig i = main1.instance;
      instances.put("f" + h.substring(1), new InstanceConfig("probackup", h,
          "/var/tmp/restoreflow-it/never/" + h, null, null, i.port(), i.osUser(), i.pgBin(),
          i.serverLog(), i.connectHost(), i.database(), i.dbUser(), i.smokeQueries(), false, true,
          60, 60, i.settings(ProbackupConfig.class), null));
      fakes.put(h, new InstantHost(h));
    }
    Path ledger = main1.stateDir().resolve("ledger.db");
    config = new RestoreflowConfig(new dev.restoreflow.worker.config.TemporalConfig(
        server.target(), "default"), ledger.toString(), main1.stateDir().resolve("Logs").toString(),
        hosts, instances, new LineGatewayConfig(true, "127.0.0.1", 0, null, List.of(), 60, 3, 2,
            4096));
    configFile = RestoreflowProcess.writeConfig(config, main1.stateDir().resolve("config.json"));
    temporal = ItTemporal.start(server, config, List.of("S-DB1"), factory -> fakes.forEach(
        (h, fake) -> factory.newWorker(TaskQueues.forHost(h))
            .registerActivitiesImplementations(fake)));
    gateway = LineGateway.forConfig(config, temporal.restoreflow, temporal.ledger);
  }

  @AfterAll
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    fakes.values().forEach(InstantHost::open);
    if (temporal != null) {
      temporal.close();
    }
    if (main1 != null) {
      main1.close();
    }
  }

  @Test
  @Order(1)
  void theSeedsFourLinesEachStartTheJobTheyDescribeAndStatusFollowsThem() throws Exception {
    List<String> lines = List.of(
        "db_instance=main1",
        "db_instance=main1, db_host=S-DB1",
        "db_instance=main1, db_host=S-DB1, backup_id=" + fullId,
        "db_instance=main1, db_host=S-DB1, backup_id=" + fullId + ", incremental");
    List<String> jobs = new ArrayList<>();
    try (LineClient nc = new LineClient(gateway.port())) {
      for (String line : lines) {
        String reply = nc.ask(line);
        Matcher m = OK.matcher(reply);
        assertTrue(m.matches(), line + " -> " + reply);
        assertEquals("S-DB1", m.group(3));
        assertEquals(jobs.size(), Integer.parseInt(m.group(4)), "queued behind the earlier ones: "
            + reply);
        jobs.add(m.group(1));
      }
    }
    try (LineClient nc = new LineClient(gateway.port())) {
      for (String job : jobs) {
        String last = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
          last = nc.ask("status " + job);
          assertTrue(last.startsWith("OK job=" + job + " state="), last);
          if (last.contains("state=SUCCEEDED") || last.contains("state=FAILED")) {
            break;
          }
          Thread.sleep(300);
        }
        assertTrue(last.contains("state=SUCCEEDED") && last.contains("backup=" + fullId), last);
      }
    }
    for (int i = 0; i < jobs.size(); i++) {
      JobRow row = temporal.ledger.job(jobs.get(i)).orElseThrow();
      assertEquals("nc", row.requestedVia());
      assertTrue(row.clientAddress().startsWith("127.0.0.1:"), row.clientAddress());
      assertEquals(i >= 2, row.requestJson().contains("\"backupId\":\"" + fullId + "\""),
          row.requestJson());
      assertEquals(i == 3, row.requestJson().contains("\"incremental\":true"), row.requestJson());
    }
    assertEquals(atFull, main1.sandbox.fingerprint());
  }

  @Test
  @Order(2)
  void realNcGetsItsReplyAndReturnsPromptly() throws Exception {
    long started = System.nanoTime();
    Process nc = new ProcessBuilder("nc", "127.0.0.1", String.valueOf(gateway.port()))
        .redirectErrorStream(true).start();
    nc.getOutputStream()
        .write("queue S-DB1\nstatus no-such-job\n".getBytes(StandardCharsets.UTF_8));
    nc.getOutputStream().close();
    assertTrue(nc.waitFor(20, TimeUnit.SECONDS), "nc returned");
    String out = new String(nc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(out.startsWith("OK host=S-DB1 running=- waiting=0\n"), out);
    assertTrue(out.contains("ERROR UNKNOWN_JOB"), out);
    assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
  }

  @Test
  @Order(3)
  void connectionLevelAbuseGetsErrorsAndTheGatewayStaysUp() throws Exception {
    byte[] longLine = new byte[10_002];
    java.util.Arrays.fill(longLine, (byte) 'a');
    longLine[10_000] = '\r';
    longLine[10_001] = '\n';
    Map<String, byte[]> notTheProtocol = Map.of(
        "ERROR NOT_UTF8", new byte[] {'d', 'b', (byte) 0xC3, (byte) 0x28, '\n'},
        "ERROR NUL_BYTE", "db_instance=main1\0\n".getBytes(StandardCharsets.UTF_8),
        "ERROR LINE_TOO_LONG", longLine,
        "ERROR UNKNOWN_KEY", "hello\n".getBytes(StandardCharsets.UTF_8),
        "ERROR NOT_PROTOCOL", "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, byte[]> line : notTheProtocol.entrySet()) {
      try (LineClient c = new LineClient(gateway.port())) {
        String reply = c.askRaw(line.getValue());
        assertTrue(reply.startsWith(line.getKey()), reply);
        assertNull(c.readLine(), "the connection ends after " + line.getKey());
      }
    }
    try (LineClient c = new LineClient(gateway.port())) {
      assertTrue(c.ask("db_instance=nosuch").startsWith("ERROR UNKNOWN_INSTANCE"));
      assertTrue(c.ask("db_instance=main1, db_host=nowhere").startsWith("ERROR UNKNOWN_HOST"));
      assertTrue(c.ask("db_instance=main1, backup_id=20261123T091500Z")
          .startsWith("ERROR BAD_BACKUP_ID"));
      assertTrue(c.ask("").startsWith("ERROR EMPTY_LINE"));
      assertTrue(c.ask("queue").startsWith("OK host=S-DB1"), "still answering");
    }
    try (LineClient idle = new LineClient(gateway.port())) {
      assertTrue(idle.readLine().startsWith("ERROR IDLE_TIMEOUT"),
          "an idle connection is told and closed");
      assertNull(idle.readLine());
    }
    List<LineClient> many = new ArrayList<>();
    try {
      for (int i = 0; i < 60; i++) {
        many.add(new LineClient(gateway.port()));
      }
      Thread.sleep(300);
      try (LineClient extra = new LineClient(gateway.port())) {
        assertTrue(extra.readLine().startsWith("ERROR TOO_MANY_CONNECTIONS"));
      }
    } finally {
      for (LineClient c : many) {
        c.close();
      }
    }
  }

  @Test
  @Order(4)
  void fuzzLinesAllGetErrorsAndStartNothing() throws Exception {
    int rowsBefore = temporal.ledger.jobs(null, null, 100_000).size();
    java.util.concurrent.atomic.AtomicInteger reconnects = new java.util.concurrent.atomic.AtomicInteger();
    Random random = new Random(20261123);
    ExecutorService pool = Executors.newFixedThreadPool(10);
    List<Future<int[]>> results = new ArrayList<>();
    for (int c = 0; c < 10; c++) {
      long seed = random.nextLong();
      results.add(pool.submit(() -> {
        Random r = new Random(seed);
        int errors = 0;
        int others = 0;
        LineClient client = new LineClient(gateway.port());
        try {
          for (int i = 0; i < 1_000; i++) {
            String reply = client.askRaw(FuzzLines.next(r));
            if (reply != null && reply.startsWith("ERROR ")) {
              errors++;
            } else {
              others++;
              System.err.println("not an error: " + reply);
            }
            if (reply != null && endsConnection(reply)) {
              if (client.readLine() != null) {
                others++;
                System.err.println("the connection went on after: " + reply);
              }
              client.close();
              client = new LineClient(gateway.port());
              reconnects.incrementAndGet();
            }
          }
        } finally {
          client.close();
        }
        return new int[] {errors, others};
      }));
    }
    int errors = 0;
    int others = 0;
    for (Future<int[]> f : results) {
      int[] counts = f.get(5, TimeUnit.MINUTES);
      errors += counts[0];
      others += counts[1];
    }
    pool.shutdown();
    assertEquals(10_000, errors);
    assertEquals(0, others);
    assertTrue(reconnects.get() > 1_000, "lines that are not the protocol end their connection: "
        + reconnects.get() + " did");
    assertEquals(rowsBefore, temporal.ledger.jobs(null, null, 100_000).size(), "no job started");
    for (InstantHost fake : fakes.values()) {
      assertEquals(0, fake.calls(), "nothing ran on a host");
    }
    try (LineClient c = new LineClient(gateway.port())) {
      assertTrue(c.ask("queue").startsWith("OK "), "the gateway still answers");
    }
  }

  @Test
  @Order(5)
  void requestsFromFiftyConnectionsAtOnceAreQueuedAndRunFifoPerHost() throws Exception {
    int total = 50 * LOAD_PER_CONNECTION;
    fakes.values().forEach(InstantHost::close);
    int rowsBefore = temporal.ledger.jobs(null, null, 100_000).size();
    ExecutorService pool = Executors.newFixedThreadPool(50);
    List<Future<List<String>>> results = new ArrayList<>();
    long started = System.nanoTime();
    for (int c = 0; c < 50; c++) {
      int connection = c;
      results.add(pool.submit(() -> {
        List<String> replies = new ArrayList<>();
        try (LineClient client = new LineClient(gateway.port())) {
          for (int i = 0; i < LOAD_PER_CONNECTION; i++) {
            String instance = "f" + (1 + (connection + i) % 4);
            replies.add(client.ask("db_instance=" + instance));
          }
        }
        return replies;
      }));
    }
    List<String> replies = new ArrayList<>();
    for (Future<List<String>> f : results) {
      replies.addAll(f.get(5, TimeUnit.MINUTES));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    pool.shutdown();
    System.out.printf("line gateway load: %d requests from 50 connections in %.2f s = %.0f requests/s%n",
        total, seconds, total / seconds);
    List<String> jobIds = new ArrayList<>();
    for (String reply : replies) {
      Matcher m = OK.matcher(reply);
      assertTrue(m.matches(), reply);
      jobIds.add(m.group(1));
    }
    assertEquals(total, jobIds.stream().distinct().count());

    awaitTrue(() -> temporal.ledger.jobs(null, null, 100_000).size() == rowsBefore + total,
        Duration.ofMinutes(2), total + " ledger rows");
    Map<String, List<String>> queued = new LinkedHashMap<>();
    int inQueues = 0;
    for (String h : FAKE_HOSTS) {
      QueueState state = temporal.restoreflow.queue(h);
      List<String> order = new ArrayList<>();
      if (state.running() != null) {
        order.add(state.running().jobId());
      }
      state.waiting().stream().map(QueueEntry::jobId).forEach(order::add);
      queued.put(h, order);
      inQueues += order.size();
    }
    assertEquals(total, inQueues, "every job is in its host's queue");

    fakes.values().forEach(InstantHost::open);
    for (String h : FAKE_HOSTS) {
      InstantHost fake = fakes.get(h);
      awaitTrue(() -> fake.served().size() == queued.get(h).size(), Duration.ofMinutes(4),
          h + " served its queue");
      assertEquals(queued.get(h), fake.served(), "host " + h + " ran its jobs first in, first out");
    }
  }

  @Test
  @Order(6)
  void jobsStartedWithoutTheGatewayAndFromBeforeARestartAreListed() throws Exception {
    WorkflowStub direct = temporal.client.newUntypedWorkflowStub("RestoreWorkflow",
        WorkflowOptions.newBuilder().setWorkflowId("manual-drill-1").setTaskQueue(TaskQueues.SERVER)
            .build());
    direct.start(Map.of("instance", "f1"));
    RestoreResult result = direct.getResult(120, TimeUnit.SECONDS, RestoreResult.class);
    assertEquals("manual-drill-1", result.jobId());
    JobRow row = temporal.ledger.job("manual-drill-1").orElseThrow();
    assertEquals("temporal", row.requestedVia());
    assertEquals("SUCCEEDED", row.status());

    List<JobRow> before = temporal.ledger.jobs(null, null, 100_000);
    try (var reopened = new dev.restoreflow.activities.ledger.JobLedger(Path.of(config.ledger()))) {
      assertEquals(before.size(), reopened.jobs(null, null, 100_000).size(), "no row lost");
    }
    String listed = runCli("jobs", "--config", configFile.toString(), "--limit", "100000",
        "--json");
    for (JobRow r : before) {
      assertTrue(listed.contains("\"jobId\":\"" + r.jobId() + "\""), r.jobId());
    }
    String timeline = runCli("job", "--config", configFile.toString(), "manual-drill-1");
    assertTrue(timeline.contains("ProbackupRestore") && timeline.contains("SUCCEEDED"), timeline);
  }

  @Test
  @Order(7)
  void aRestoreOntoAnotherConfiguredHostIsRefusedAndStartsNothing() throws Exception {
    int rowsBefore = temporal.ledger.jobs(null, null, 100_000).size();
    try (LineClient c = new LineClient(gateway.port())) {
      for (String line : List.of("db_instance=main1, db_host=h1", "db_instance=f1, db_host=h2",
          "db_instance=f2, db_host=S-DB1, incremental")) {
        String reply = c.ask(line);
        assertTrue(reply.startsWith("ERROR HOST_NOT_ALLOWED instance '"), line + " -> " + reply);
      }
    }
    Thread.sleep(1_000);   // a started job would have its ledger row by now
    assertEquals(rowsBefore, temporal.ledger.jobs(null, null, 100_000).size(), "no job started");
  }

  @Test
  @Order(8)
  void aClientTricklingOneByteASecondIsCutOffOnceTheWholeLineLimitPasses() throws Exception {
    // idleTimeoutSeconds is 3 in this config: every byte comes well within it, the line does not
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      Thread trickler = new Thread(() -> {
        try {
          for (byte b : "db_instance=nosuch\n".getBytes(StandardCharsets.UTF_8)) {
            out.write(b);
            out.flush();
            Thread.sleep(1_000);
          }
        } catch (IOException | InterruptedException stopped) {
          // the gateway closed the connection, or the test is over
        }
      });
      long started = System.nanoTime();
      trickler.start();
      List<String> replies = readToEnd(socket);
      double seconds = (System.nanoTime() - started) / 1e9;
      trickler.interrupt();
      trickler.join();
      assertEquals(1, replies.size(), "one reply, then the end: " + replies);
      assertTrue(replies.get(0).startsWith("ERROR IDLE_TIMEOUT"), replies.get(0));
      assertTrue(seconds < 6, "cut off after " + seconds + " s");
    }
  }

  @Test
  @Order(9)
  void aMegabyteLineIsAnsweredQuicklyAndEndsTheConnection() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      socket.setSoTimeout(30_000);
      byte[] huge = new byte[1 << 20];
      java.util.Arrays.fill(huge, (byte) 'a');
      long started = System.nanoTime();
      socket.getOutputStream().write(huge);
      socket.getOutputStream().write("\nqueue\n".getBytes(StandardCharsets.UTF_8));
      List<String> replies = readToEnd(socket);
      double seconds = (System.nanoTime() - started) / 1e9;
      assertEquals(1, replies.size(), "the line after it is not answered: " + replies);
      assertTrue(replies.get(0).startsWith("ERROR LINE_TOO_LONG"), replies.get(0));
      assertTrue(seconds < 5, "answered after " + seconds + " s");
    }
  }

  @Test
  @Order(10)
  void anHttpPostWhoseBodyIsARequestStartsNothingAndGetsOneError() throws Exception {
    int rowsBefore = temporal.ledger.jobs(null, null, 100_000).size();
    String body = "db_instance=f1\n";
    String post = "POST / HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.port() + "\r\n"
        + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: " + body.length() + "\r\n"
        + "Origin: http://127.0.0.1:8080\r\n\r\n" + body;
    List<String> replies;
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(post.getBytes(StandardCharsets.UTF_8));
      replies = readToEnd(socket);
    }
    assertEquals(1, replies.size(), "one error, then the end: " + replies);
    assertTrue(replies.get(0).startsWith("ERROR NOT_PROTOCOL"), replies.get(0));
    Thread.sleep(1_000);
    assertEquals(rowsBefore, temporal.ledger.jobs(null, null, 100_000).size(), "no job started");
    QueueState h1 = temporal.restoreflow.queue("h1");
    assertNull(h1.running(), "nothing runs on h1");
    assertTrue(h1.waiting().isEmpty(), "nothing waits on h1");
  }

  @Test
  @Order(11)
  void statusAndQueueWantTheTokenWhenOneIsConfigured() throws Exception {
    try (LineGateway guarded = LineGateway.start(config.lineGateway().withPort(0),
            new LineService(config, temporal.restoreflow, temporal.ledger, "it-token"));
        LineClient c = new LineClient(guarded.port())) {
      assertTrue(c.ask("status no-such-job").startsWith("ERROR TOKEN_REQUIRED"));
      assertTrue(c.ask("queue S-DB1").startsWith("ERROR TOKEN_REQUIRED"));
      assertTrue(c.ask("queue").startsWith("ERROR TOKEN_REQUIRED"));
      assertTrue(c.ask("status no-such-job, token=guess").startsWith("ERROR BAD_TOKEN"));
      assertTrue(c.ask("status no-such-job, token=it-token").startsWith("ERROR UNKNOWN_JOB"));
      assertTrue(c.ask("queue S-DB1, token=it-token").startsWith("OK host=S-DB1 "));
      assertTrue(c.ask("queue, token=it-token").startsWith("OK host=S-DB1 "));
    }
  }

  private static boolean endsConnection(String errorReply) {
    String code = errorReply.split(" ", 3)[1];
    return new GatewayError(code, "").closesConnection();
  }

  /** Every reply line until the gateway closes (a reset after its last reply counts as closed). */
  private static List<String> readToEnd(Socket socket) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
        StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    } catch (SocketException reset) {
      // closed while the client was still sending
    }
    return lines;
  }

  private static String runCli(String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp",
        System.getProperty("java.class.path"),
        "dev.restoreflow.worker.Main"));
    Collections.addAll(command, args);
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration limit,
      String what) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  static {
    assertNotNull(WorkflowClient.class);
    assertNotNull(RestoreWorkflow.class);
  }
}
