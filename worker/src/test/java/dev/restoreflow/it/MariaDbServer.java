package dev.restoreflow.it;

import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.OsUser;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.worker.sandbox.SandboxUser;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real MariaDB server for an integration test: its own data directory (mariadb-install-db),
 * run as the unprivileged OS user the other tests' clusters use, on 127.0.0.1 and a free port,
 * with the binlog on; root reaches it over its socket without a password. Every wait is bounded;
 * close() shuts it down and removes its files.
 */
final class MariaDbServer implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final Process server;

  private MariaDbServer(Path dir, int port, Process server) {
    this.dir = dir;
    this.port = port;
    this.server = server;
  }

  static MariaDbServer start() throws IOException, InterruptedException {
    Files.createDirectories(ItSandbox.root());
    Path dir = ItSandbox.root().resolve("mariadb-" + UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    String user = SandboxUser.ensure(new LocalCommandRunner(Redactor.NONE));
    if (OsUser.isRoot()) {
      run(List.of("chown", user, dir.toString()), 30);
    }
    run(asUser(user, List.of("mariadb-install-db", "--no-defaults", "--user=" + user,
        "--datadir=" + dir.resolve("data"), "--auth-root-authentication-method=normal",
        "--skip-test-db")), 180);
    int port = freePort();
    Process server = new ProcessBuilder(asUser(user, List.of("/usr/sbin/mariadbd",
        "--no-defaults", "--datadir=" + dir.resolve("data"), "--socket=" + dir.resolve("sock"),
        "--port=" + port, "--bind-address=127.0.0.1", "--log-bin=" + dir.resolve("data/binlog"),
        "--server-id=1", "--pid-file=" + dir.resolve("mariadbd.pid"),
        "--log-error=" + dir.resolve("error.log"), "--skip-name-resolve",
        "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M")))
        .directory(Path.of("/").toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout.log").toFile()).start();
    MariaDbServer started = new MariaDbServer(dir, port, server);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        started.sql("SELECT 1");
        return started;
      } catch (IllegalStateException notYet) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          started.close();
          throw new IllegalStateException("mariadbd did not answer within 60 s: "
              + started.errorLog(), notYet);
        }
        Thread.sleep(200);
      }
    }
  }

  int port() {
    return port;
  }

  Path dir() {
    return dir;
  }

  /** A mariadb client as root over the socket, batch mode, with {@code args} after. */
  List<String> client(String... args) {
    List<String> argv = new ArrayList<>(List.of("mariadb", "--no-defaults",
        "--socket=" + dir.resolve("sock"), "-uroot", "--batch", "--skip-column-names"));
    argv.addAll(List.of(args));
    return argv;
  }

  /**
   * Runs {@code sql} as root; its output.
   *
   * @throws IllegalStateException when it fails or outlives a minute
   */
  String sql(String sql) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(client("-e", sql)).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("mariadb did not end within a minute: " + sql);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(sql + ": " + out);
    }
    return out;
  }

  String errorLog() {
    try {
      return Files.readString(dir.resolve("error.log"));
    } catch (IOException e) {
      return "(no error log)";
    }
  }

  private static List<String> asUser(String user, List<String> argv) {
    if (!OsUser.isRoot()) {
      return argv;
    }
    List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", user, "--"));
    wrapped.addAll(argv);
    return wrapped;
  }

  private static void run(List<String> argv, int seconds) throws IOException,
      InterruptedException {
    Process process = new ProcessBuilder(argv).directory(Path.of("/").toFile())
        .redirectErrorStream(true).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(seconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (server.isAlive()) {
        new ProcessBuilder("mariadb-admin", "--no-defaults", "--socket=" + dir.resolve("sock"),
            "-uroot", "shutdown").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30,
                TimeUnit.SECONDS);
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
          // runuser does not pass SIGKILL on: end mariadbd itself, by its pid file
          Path pidFile = dir.resolve("mariadbd.pid");
          if (Files.exists(pidFile)) {
            new ProcessBuilder("kill", "-9", Files.readString(pidFile).strip()).start()
                .waitFor(10, TimeUnit.SECONDS);
          }
          server.destroyForcibly();
          server.waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.destroyForcibly();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
