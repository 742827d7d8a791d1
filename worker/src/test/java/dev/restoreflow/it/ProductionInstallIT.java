package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.worker.sandbox.SandboxUser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The README's production install, as written: its marked command blocks run (as root) with the
 * absolute install paths moved under a temporary root, and a systemctl stand-in on PATH that
 * starts each enabled unit the way systemd would (its User, WorkingDirectory, StateDirectory,
 * LogsDirectory and ExecStart, the same paths moved). The config the README says to edit gets a
 * real sandbox cluster and the real Temporal dev server; then a restore through the nc gateway
 * must succeed and bring back the backup's data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProductionInstallIT {

  private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
  private static final List<String> INSTALL_PATHS = List.of("/opt/restoreflow", "/etc/restoreflow",
      "/etc/systemd/system", "/var/lib/restoreflow", "/var/log/restoreflow");
  private static final Pattern INSTALL_PATH = Pattern.compile(
      "(?<=^|[\\s=\"'])(" + String.join("|", INSTALL_PATHS) + ")(?=[/\\s\"']|$)", Pattern.MULTILINE);
  private static final List<String> UNITS = List.of("restoreflow-server", "restoreflow-worker@S-DB1");
  private static final Pattern OK = Pattern.compile("OK job=(\\S+) workflow=\\S+ host=S-DB1 queue=\\d+");

  private Path root;
  private ItSandbox main1;
  private ItServer temporal;

  @AfterAll
  void tearDown() throws Exception {
    if (root != null) {
      systemctl("stop", UNITS.get(0), UNITS.get(1));
    }
    if (temporal != null) {
      temporal.close();
    }
    if (main1 != null) {
      main1.close();
    }
    if (root != null) {
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void theReadmesInstallStepsGiveARunningServerAndWorkerThatRestoreThroughTheGateway()
      throws Exception {
    root = Path.of("/var/tmp/restoreflow-it/install-" + UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(root);
    Files.setPosixFilePermissions(root.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String debians : List.of("/opt", "/etc/systemd/system", "/var/lib", "/var/log")) {
      Files.createDirectories(Path.of(root + debians));   // what every Debian with systemd has
    }
    installStandIn();
    String readme = Files.readString(PROJECT.resolve("README.md"));

    // the sandbox's account exists first, as on any machine that ran the tests: the README's
    // steps must use it as it is (SshIT logs in with its shell; the README would make a nologin one)
    SandboxUser.ensure(new LocalCommandRunner(Redactor.NONE));
    String account = run(List.of("getent", "passwd", "restoreflow"), Map.of()).output();
    runReadmeBlock(readme, "production-install:install");
    assertTrue(Files.isRegularFile(moved("/opt/restoreflow/restoreflow.jar")));
    assertTrue(Files.isRegularFile(moved("/etc/systemd/system/restoreflow-server.service")));
    assertEquals(account, run(List.of("getent", "passwd", "restoreflow"), Map.of()).output(),
        "the install steps kept the existing restoreflow account");

    // what the README says to edit in the installed config: Temporal, hosts, instances
    main1 = ItSandbox.create("main1", "S-DB1");
    main1.sandbox.loadDemoData(2_000);
    main1.sandbox.backup("FULL");
    Map<String, String> atBackup = main1.sandbox.fingerprint();
    main1.sandbox.sql("delete from accounts where id % 3 = 0; drop table transfers");
    assertNotEquals(atBackup, main1.sandbox.fingerprint());
    temporal = ItServer.temporalCli(root.resolve("temporal"));
    int gatewayPort = freePort();
    editConfig(temporal.target(), gatewayPort);

    runReadmeBlock(readme, "production-install:start");
    awaitGateway(gatewayPort);
    assertEquals("restoreflow", owner(moved("/var/lib/restoreflow/ledger.db")),
        "the server writes its ledger as its own user");
    assertTrue(Files.isRegularFile(moved("/var/log/restoreflow/server.log")));

    String submitted = ask(gatewayPort, "db_instance=main1");
    Matcher m = OK.matcher(submitted);
    assertTrue(m.matches(), submitted);
    String job = m.group(1);
    String status = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (System.nanoTime() < deadline) {
      status = ask(gatewayPort, "status " + job);
      if (status.contains("state=SUCCEEDED") || status.contains("state=FAILED")) {
        break;
      }
      Thread.sleep(500);
    }
    assertTrue(status != null && status.contains("state=SUCCEEDED"), status + "\n" + unitOutputs());
    assertEquals(atBackup, main1.sandbox.fingerprint(), "the restore brought back the backup's data");
    assertTrue(Files.isRegularFile(moved("/var/log/restoreflow/worker-S-DB1.log")));
  }

  /** The stand-in, as `systemctl` first on PATH. */
  private void installStandIn() throws IOException {
    Path bin = Files.createDirectories(root.resolve("standin-bin"));
    Path systemctl = bin.resolve("systemctl");
    try (InputStream in = getClass().getResourceAsStream("/dev/restoreflow/it/systemctl-standin")) {
      Files.copy(in, systemctl);
    }
    Files.setPosixFilePermissions(systemctl, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Runs the sh block after the README's marker, install paths moved under the root. */
  private void runReadmeBlock(String readme, String marker) throws Exception {
    String block = readmeBlock(readme, marker);
    String movedBlock = INSTALL_PATH.matcher(block).replaceAll(r -> root + r.group(1));
    ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", movedBlock)
        .directory(PROJECT.toFile()).redirectErrorStream(true);
    builder.environment().put("PATH", root.resolve("standin-bin") + ":" + System.getenv("PATH"));
    builder.environment().put("STANDIN_ROOT", root.toString());
    Path output = root.resolve(marker.replace(':', '-') + ".out");
    Process process = builder.redirectOutput(output.toFile()).start();
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the README's " + marker + " block ended");
    assertEquals(0, process.exitValue(), "the README's " + marker + " block:\n" + movedBlock
        + "\nprinted:\n" + Files.readString(output));
  }

  static String readmeBlock(String readme, String marker) {
    int at = readme.indexOf("<!-- " + marker);
    assertTrue(at >= 0, "README.md has no block marked <!-- " + marker + " -->");
    int open = readme.indexOf("```sh\n", at);
    int close = readme.indexOf("\n```", open + 6);
    assertTrue(open >= 0 && close > open, "no ```sh block after the marker " + marker);
    return readme.substring(open + 6, close + 1);
  }

  private Path moved(String installPath) {
    return Path.of(root + installPath);
  }

  /** Edits the installed config as its user would: same file, same ledger and logDir. */
  private void editConfig(String temporalTarget, int gatewayPort) throws IOException {
    Path file = moved("/etc/restoreflow/config.json");
    String installed = INSTALL_PATH.matcher(Files.readString(file)).replaceAll(r -> root + r.group(1));
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(installed);
    ((ObjectNode) config.get("temporal")).put("target", temporalTarget);
    ObjectNode hosts = json.createObjectNode();
    hosts.putObject("S-DB1").put("kind", "local");
    config.set("hosts", hosts);
    ObjectNode instances = json.createObjectNode();
    instances.set("main1", json.valueToTree(main1.instance));
    config.set("instances", instances);
    config.putObject("lineGateway").put("port", gatewayPort);
    Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(config));
  }

  /** Waits until the server's gateway answers; fails at once when a unit has died. */
  private void awaitGateway(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      for (String unit : UNITS) {
        RunResult active = systemctl("is-active", unit);
        assertEquals(0, active.exitCode(), unit + " is not running:\n" + unitOutputs());
      }
      try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(500);
      }
    }
    throw new AssertionError("the gateway never answered on port " + port + "\n" + unitOutputs());
  }

  private String unitOutputs() throws IOException {
    StringBuilder out = new StringBuilder();
    for (String unit : UNITS) {
      Path file = root.resolve("standin-run").resolve(unit + ".service.out");
      out.append("--- ").append(unit).append(":\n")
          .append(Files.exists(file) ? Files.readString(file) : "(no output)\n");
    }
    return out.toString();
  }

  private static String ask(int port, String line) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8)).readLine();
    }
  }

  private static String owner(Path file) throws IOException {
    return Files.getOwner(file).getName();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  record RunResult(int exitCode, String output) {}

  private RunResult systemctl(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(root.resolve("standin-bin/systemctl").toString()));
    argv.addAll(List.of(args));
    return run(argv, Map.of("STANDIN_ROOT", root.toString()));
  }

  private static RunResult run(List<String> argv, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(1, TimeUnit.MINUTES), String.join(" ", argv));
    return new RunResult(process.exitValue(), output);
  }
}
