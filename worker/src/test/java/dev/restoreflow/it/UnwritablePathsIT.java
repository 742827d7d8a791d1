package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.worker.sandbox.SandboxUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code restoreflow server} and {@code worker}, run from the packaged jar as an unprivileged
 * user (the production unit's), stop at once with a config error naming the key when the config
 * sends their ledger or logs where that user cannot write: before any stack trace, before
 * Temporal is asked anything (the config points at a port where nothing listens).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UnwritablePathsIT {

  private static final Path JAR = Path.of("target", "restoreflow.jar").toAbsolutePath();

  private Path dir;
  private Path jar;
  private String user;

  @BeforeEach
  void setUp() throws IOException {
    user = SandboxUser.ensure(new LocalCommandRunner(Redactor.NONE));
    dir = Path.of("/var/tmp/restoreflow-it/paths-" + UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(dir.resolve("root-only"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir.resolve("root-only"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path own = Files.createDirectories(dir.resolve("own"));
    UserPrincipal owner = own.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(user);
    Files.setOwner(own, owner);
    // the checkout may sit where the user cannot read (a clone in a 0700 mktemp directory)
    jar = Files.copy(JAR, dir.resolve("restoreflow.jar"));
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
  }

  @AfterEach
  void tearDown() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void aLogDirTheServersUserCannotCreateIsAConfigErrorNamingLogDir() throws Exception {
    String out = runAsUser(config(dir.resolve("root-only/logs"), dir.resolve("own/ledger.db")),
        "server");
    assertTrue(out.contains("restoreflow: config error: logDir: cannot create " + dir.resolve(
        "root-only/logs") + ": permission denied"), out);
  }

  @Test
  void aLedgerTheServersUserCannotWriteIsAConfigErrorNamingLedger() throws Exception {
    String out = runAsUser(config(dir.resolve("own/logs"), dir.resolve("root-only/ledger.db")),
        "server");
    assertTrue(out.contains("restoreflow: config error: ledger: " + dir.resolve("root-only")
        + " is not writable by user " + user), out);
  }

  @Test
  void anExistingLedgerOfAnotherUserIsAConfigErrorNamingLedger() throws Exception {
    Path ledger = Files.writeString(dir.resolve("own/ledger.db"), "");
    String out = runAsUser(config(dir.resolve("own/logs"), ledger), "server");
    assertTrue(out.contains("restoreflow: config error: ledger: " + ledger
        + " is not readable and writable by user " + user), out);
  }

  @Test
  void aWorkerWhoseLogDirCannotBeCreatedSaysSo() throws Exception {
    String out = runAsUser(config(dir.resolve("root-only/logs"), dir.resolve("own/ledger.db")),
        "worker", "--host", "S-DB1");
    assertTrue(out.contains("restoreflow: config error: logDir: cannot create"), out);
  }

  private Path config(Path logDir, Path ledger) throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, """
        {"temporal": {"target": "127.0.0.1:1"}, "ledger": "%s", "logDir": "%s",
         "hosts": {"S-DB1": {"kind": "local"}},
         "instances": {"main1": {"host": "S-DB1", "pgdata": "/var/tmp/restoreflow-it/never",
                                 "probackup": {"catalog": "/var/tmp/restoreflow-it/never-c"}}}}
        """.formatted(ledger, logDir));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    return file;
  }

  /** What the command printed; it must have ended with exit code 2 and no stack trace. */
  private String runAsUser(Path config, String... command) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of("setpriv", "--reuid=" + user,
        "--regid=" + user, "--init-groups", "--",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
    argv.addAll(List.of(command));
    argv.addAll(List.of("--config", config.toString()));
    Process process = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "it stopped at once: " + out);
    assertEquals(2, process.exitValue(), out);
    assertFalse(out.contains("\tat "), "no stack trace: " + out);
    return out;
  }
}
