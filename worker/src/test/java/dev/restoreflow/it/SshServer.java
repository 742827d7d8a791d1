package dev.restoreflow.it;

import dev.restoreflow.activities.config.HostConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OpenSSH sshd on 127.0.0.1 and a free port, with its own host key, accepting one
 * generated client key for one unprivileged user (and for root, which runs commands as that user
 * through runuser); started and stopped by the test.
 */
final class SshServer implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final String user;
  private Process process;

  private SshServer(Path dir, int port, String user) {
    this.dir = dir;
    this.port = port;
    this.user = user;
  }

  static SshServer start(Path parent, String user) throws Exception {
    Path dir = parent.resolve("sshd");
    Files.createDirectories(dir);
    Files.createDirectories(Path.of("/run/sshd"));
    run("usermod", "-p", "*", user);
    keygen(dir.resolve("host_key"));
    keygen(dir.resolve("client_key"));
    keygen(dir.resolve("stranger_key"));
    Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
    Files.setPosixFilePermissions(dir.resolve("authorized_keys"), PosixFilePermissions.fromString("rw-r--r--"));
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Files.writeString(dir.resolve("sshd_config"), String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + dir.resolve("host_key"),
        "PidFile " + dir.resolve("sshd.pid"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "AllowUsers " + user + " root",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "PermitRootLogin prohibit-password",
        "LogLevel ERROR",
        "") );
    String hostPub = Files.readString(dir.resolve("host_key.pub")).strip();
    Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + hostPub + "\n");
    String strangerPub = Files.readString(dir.resolve("stranger_key.pub")).strip();
    Files.writeString(dir.resolve("known_hosts_changed"), "[127.0.0.1]:" + port + " " + strangerPub + "\n");
    Files.writeString(dir.resolve("known_hosts_empty"), "");
    SshServer server = new SshServer(dir, port, user);
    server.startProcess();
    return server;
  }

  void startProcess() throws Exception {
    process = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile()))
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          throw new IllegalStateException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
        }
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("sshd did not listen on " + port);
  }

  /** Kills the listening sshd and every session it forked (the connections drop). */
  void kill() throws Exception {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    run("pkill", "-KILL", "-f", "sshd: " + user);
  }

  HostConfig host(String keyFile, String knownHostsFile) {
    return new HostConfig(HostConfig.SSH, "127.0.0.1", port, user, dir.resolve(keyFile).toString(),
        null, dir.resolve(knownHostsFile).toString(), false, 5);
  }

  HostConfig host() {
    return host("client_key", "known_hosts");
  }

  /** Root login with the same key: commands for the cluster's user go through runuser. */
  HostConfig rootHost() {
    return new HostConfig(HostConfig.SSH, "127.0.0.1", port, "root",
        dir.resolve("client_key").toString(), null, dir.resolve("known_hosts").toString(), false, 5);
  }

  @Override
  public void close() throws Exception {
    if (process != null) {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    run("pkill", "-KILL", "-f", "sshd: " + user);
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void keygen(Path file) throws Exception {
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", file.toString());
  }

  private static void run(String... argv) throws Exception {
    Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", argv) + " hung");
    }
  }
}
