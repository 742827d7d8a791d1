package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.worker.config.HttpConfig;
import dev.restoreflow.worker.config.LineGatewayConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.worker.temporal.TemporalCliServer;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporal in production: TLS, mutual TLS, a namespace of its own and an API key. The dev server
 * of the {@code temporal} CLI has no TLS ({@code start-dev --help} offers none), so the test puts a
 * TLS gRPC endpoint in front of it ({@link TlsGrpcProxy}, certificates made with openssl): one
 * that requires a client certificate, one that does not. {@code restoreflow server} and
 * {@code restoreflow worker} run as processes over mutual TLS with an API key from a file, in
 * namespace {@code restoreflow}; CLI commands reach them with the key from the environment, and
 * over TLS without a client certificate, and the HTTP gateway answers through the server's
 * connection. Wrong CA, missing client certificate, wrong server name
 * and plaintext to a TLS port are refused in one line that names what to check. The proxy shows
 * every call carried {@code authorization: Bearer <key>}, and neither key is in any output or
 * log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TemporalTlsIT {

  private static final Logger log = LoggerFactory.getLogger(TemporalTlsIT.class);
  private static final String SERVER_NAME = "temporal.restoreflow.test";
  private static final String NAMESPACE = "restoreflow";
  private static final String KEY_ENV = "RESTOREFLOW_IT_TEMPORAL_API_KEY";
  private static final Duration CLI_LIMIT = Duration.ofMinutes(3);

  private static ItSandbox main1;
  private static TemporalCliServer temporal;
  private static TlsGrpcProxy mutualTls;
  private static TlsGrpcProxy tlsOnly;
  private static TlsFiles tls;
  private static RestoreflowConfig base;
  private static Path dir;
  private static Path processLog;
  private static String fileKey;
  private static String envKey;
  private static String backupId;
  private static RestoreflowProcess server;
  private static RestoreflowProcess worker;
  private static final List<String> cliOutputs = new ArrayList<>();

  @BeforeAll
  static void startTemporalBehindTls() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    backupId = main1.sandbox.backup("FULL");
    dir = main1.stateDir().resolve("tls-it");
    tls = TlsFiles.make(dir.resolve("pki"), SERVER_NAME);
    temporal = TemporalCliServer.start(ItServer.temporalCli(), dir.resolve("temporal"),
        List.of(NAMESPACE));
    mutualTls = TlsGrpcProxy.start(tls, temporal.target(), true);
    tlsOnly = TlsGrpcProxy.start(tls, temporal.target(), false);
    fileKey = "rf-file-key-" + UUID.randomUUID();
    envKey = "rf-env-key-" + UUID.randomUUID();
    Path keyFile = Files.writeString(dir.resolve("temporal-api-key"), fileKey + "\n");
    base = ItSandbox.config(mutualTls.target(), main1.stateDir().resolve("ledger.db"), main1)
        .withLineGateway(LineGatewayConfig.defaults().withPort(0))
        .withHttp(HttpConfig.defaults().withPort(0));

    Path serverConfig = config("server.json", new TemporalConfig(mutualTls.target(), NAMESPACE,
        new TemporalConfig.Tls(tls.ca().toString(), tls.clientCert().toString(),
            tls.clientKey().toString(), SERVER_NAME), null, keyFile.toString(), null));
    processLog = dir.resolve("processes.log");
    server = RestoreflowProcess.server(serverConfig, processLog);
    worker = RestoreflowProcess.worker(serverConfig, "local", processLog);
  }

  @AfterAll
  static void stopAll() throws Exception {
    try {
      for (AutoCloseable c : new AutoCloseable[] {worker, server, mutualTls, tlsOnly, temporal}) {
        if (c != null) {
          c.close();
        }
      }
      if (processLog != null && Files.exists(processLog)) {
        Files.createDirectories(Path.of("target", "it-logs"));
        Files.copy(processLog, Path.of("target", "it-logs", "TemporalTlsIT-processes.log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      if (main1 != null) {
        main1.close();
      }
    }
  }

  @Test
  @Order(1)
  @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
  void aCatalogJobRunsOverMutualTlsInItsOwnNamespaceWithTheApiKey() throws Exception {
    Path cli = config("cli-mtls.json", new TemporalConfig(mutualTls.target(), NAMESPACE,
        new TemporalConfig.Tls(tls.ca().toString(), tls.clientCert().toString(),
            tls.clientKey().toString(), SERVER_NAME), KEY_ENV, null, null));
    RestoreflowProcess.Finished listed = cli(Map.of(KEY_ENV, envKey), "backups", "--config",
        cli.toString());
    assertEquals(0, listed.exitCode(), listed.output());
    assertTrue(listed.output().contains("main1 (probackup): 1 backups"), listed.output());
    assertTrue(listed.output().contains(backupId), listed.output());

    RestoreflowProcess.Finished status = cli(Map.of(KEY_ENV, envKey), "status", "--config",
        cli.toString(), "--catalog-timeout", "60");
    String temporalLine = status.output().lines().filter(l -> l.startsWith("temporal"))
        .findFirst().orElse("");
    assertTrue(temporalLine.contains("namespace " + NAMESPACE + ": reachable"), status.output());
    assertTrue(status.output().lines().anyMatch(l -> l.startsWith("server")
        && l.contains(": up,")), "the server's workers poll over mutual TLS: " + status.output());
    assertTrue(status.output().lines().anyMatch(l -> l.startsWith("host")
        && l.contains(": up,")), "the host's worker polls over mutual TLS: " + status.output());

    // the gateways go through the server's connection: the HTTP API's catalog, over mutual TLS
    HttpResponse<String> backups = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort() + "/api/v1/instances/main1/backups"))
        .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, backups.statusCode(), backups.body());
    assertTrue(backups.body().contains(backupId), backups.body());

    assertTrue(executions(NAMESPACE) > 0, "the jobs ran in namespace " + NAMESPACE);
    assertEquals(0, executions("default"), "nothing ran in namespace default");
  }

  @Test
  @Order(2)
  @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
  void aCatalogJobRunsOverTlsWithoutAClientCertificate() throws Exception {
    Path cli = config("cli-tls.json", new TemporalConfig(tlsOnly.target(), NAMESPACE,
        new TemporalConfig.Tls(tls.ca().toString(), null, null, SERVER_NAME), null, null, null));
    RestoreflowProcess.Finished listed = cli(Map.of(), "backups", "--config", cli.toString());
    assertEquals(0, listed.exitCode(), listed.output());
    assertTrue(listed.output().contains(backupId), listed.output());
    assertTrue(tlsOnly.authorizations().stream().allMatch(String::isEmpty),
        "no API key configured, none sent: " + tlsOnly.authorizations().size() + " calls");
    assertFalse(tlsOnly.authorizations().isEmpty(), "the calls went through the TLS endpoint");
  }

  @Test
  @Order(3)
  void aServerSignedByAnotherCaIsRefusedNamingTheCaFile() throws Exception {
    refused(new TemporalConfig.Tls(tls.otherCa().toString(), tls.clientCert().toString(),
        tls.clientKey().toString(), SERVER_NAME), mutualTls,
        "the server's certificate is not signed by a CA this client trusts; check"
            + " temporal.tls.caFile (" + tls.otherCa() + ")");
  }

  @Test
  @Order(3)
  void noClientCertificateWhereTheServerRequiresOneIsRefusedNamingCertFile() throws Exception {
    refused(new TemporalConfig.Tls(tls.ca().toString(), null, null, SERVER_NAME), mutualTls,
        "check temporal.tls.certFile and temporal.tls.keyFile (not set)");
  }

  @Test
  @Order(3)
  void aServerNameTheCertificateDoesNotCarryIsRefusedNamingServerName() throws Exception {
    refused(new TemporalConfig.Tls(tls.ca().toString(), null, null, "wrong.restoreflow.test"),
        tlsOnly, "the server's certificate is not for 'wrong.restoreflow.test'; check"
            + " temporal.tls.serverName");
    refused(new TemporalConfig.Tls(tls.ca().toString(), null, null, null), tlsOnly,
        "the server's certificate is not for '127.0.0.1'; check temporal.tls.serverName");
  }

  @Test
  @Order(3)
  void plaintextToATlsPortIsRefusedSayingToAddTls() throws Exception {
    refused(null, tlsOnly, "if the server wants TLS, add a temporal.tls section");
  }

  @Test
  @Order(4)
  void everyCallCarriedTheApiKeyAndNoOutputOrLogHoldsIt() throws Exception {
    List<String> seen = mutualTls.authorizations();
    Set<String> values = new TreeSet<>(seen);
    log.info("{} calls through the mutual TLS endpoint", seen.size());
    assertTrue(seen.size() > 10, "the server's and worker's calls went through it: " + seen.size());
    assertEquals(Set.of("Bearer " + fileKey, "Bearer " + envKey), values,
        "the server and worker send the file's key, the CLI the environment's, on every call");

    List<Path> logs = new ArrayList<>(List.of(processLog, main1.stateDir().resolve("ledger.db")));
    for (Path logDir : List.of(Path.of(base.logDir()), dir.resolve("temporal"))) {
      try (Stream<Path> files = Files.walk(logDir)) {
        files.filter(Files::isRegularFile).forEach(logs::add);
      }
    }
    // the tests' logback logs to the console, which the processes' log file holds
    String processes = Files.readString(processLog);
    assertTrue(processes.contains("restoreflow server up") && processes.contains(
        "restoreflow worker for host local"), "the processes logged: " + processes);
    assertTrue(processes.contains("namespace restoreflow: mutual TLS (client certificate "
        + tls.clientCert() + "), trusting " + tls.ca() + ", server name " + SERVER_NAME
        + ", API key from " + dir.resolve("temporal-api-key")), processes);
    for (Path file : logs) {
      String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      assertFalse(text.contains(fileKey) || text.contains(envKey), "an API key is in " + file);
    }
    for (String output : cliOutputs) {
      assertFalse(output.contains(fileKey) || output.contains(envKey), "an API key in " + output);
    }
    assertTrue(server.isAlive() && worker.isAlive(), "server and worker still run");
  }

  /** A {@code backups} command whose connection must fail, in one line containing {@code hint}. */
  private static void refused(TemporalConfig.Tls clientTls, TlsGrpcProxy endpoint, String hint)
      throws Exception {
    Path cli = config("cli-refused-" + UUID.randomUUID() + ".json",
        new TemporalConfig(endpoint.target(), NAMESPACE, clientTls, null, null, null));
    RestoreflowProcess.Finished run = cli(Map.of(), "backups", "--config", cli.toString());
    log.info("refused: {}", run.output().strip());
    assertEquals(1, run.exitCode(), run.output());
    List<String> errors = run.output().lines().filter(l -> l.startsWith("restoreflow: "))
        .toList();
    assertEquals(1, errors.size(), run.output());
    assertTrue(errors.get(0).contains(hint), "expected '" + hint + "' in: " + errors.get(0));
    assertFalse(run.output().contains("\tat ") || run.output().contains("Exception"),
        "no stack trace, no exception names: " + run.output());
  }

  private static RestoreflowProcess.Finished cli(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    RestoreflowProcess.Finished run = RestoreflowProcess.run(CLI_LIMIT, env, args);
    cliOutputs.add(run.output());
    return run;
  }

  private static Path config(String name, TemporalConfig temporalConfig) throws IOException {
    RestoreflowConfig config = new RestoreflowConfig(temporalConfig, base.ledger(), base.logDir(),
        base.hosts(), base.instances(), base.lineGateway(), base.http(), base.nats());
    return RestoreflowProcess.writeConfig(config, dir.resolve(name));
  }

  /** The HTTP API's port (0 in the config: any free one), from the server's log line. */
  private static int httpPort() throws IOException, InterruptedException {
    Pattern listening = Pattern.compile("HTTP API listening on 127\\.0\\.0\\.1:(\\d+)");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = listening.matcher(Files.readString(processLog));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the server did not say where its HTTP API listens: "
        + Files.readString(processLog));
  }

  /** Workflow executions in a namespace, asked of the dev server directly (plaintext). */
  private static long executions(String namespace) {
    WorkflowServiceStubs direct = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
    try {
      return direct.blockingStub().listWorkflowExecutions(ListWorkflowExecutionsRequest
          .newBuilder().setNamespace(namespace).setPageSize(1000).build()).getExecutionsCount();
    } finally {
      direct.shutdownNow();
    }
  }
}
