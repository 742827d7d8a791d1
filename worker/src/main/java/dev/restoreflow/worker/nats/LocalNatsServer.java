package dev.restoreflow.worker.nats;

import dev.restoreflow.worker.LoopbackPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code nats-server} child process on 127.0.0.1 and a free port, for {@code restoreflow dev}
 * and the tests: Debian 12's package installs it as {@code /usr/sbin/nats-server}.
 */
public final class LocalNatsServer implements AutoCloseable {

  public static final Path DEBIAN_BINARY = Path.of("/usr/sbin/nats-server");
  private static final List<Path> INSTALLED = List.of(DEBIAN_BINARY,
      Path.of("/usr/bin/nats-server"), Path.of("/usr/local/bin/nats-server"));
  private static final Duration READY_WITHIN = Duration.ofSeconds(15);

  private final Process process;
  private final int port;

  private LocalNatsServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The installed server, if any ({@code RESTOREFLOW_NATS_SERVER} names another binary). */
  public static Optional<Path> find() {
    String named = System.getenv("RESTOREFLOW_NATS_SERVER");
    if (named != null && !named.isBlank()) {
      return Files.isExecutable(Path.of(named)) ? Optional.of(Path.of(named)) : Optional.empty();
    }
    return INSTALLED.stream().filter(Files::isExecutable).findFirst();
  }

  /** Starts the server on a free loopback port; its output goes to {@code log}. */
  public static LocalNatsServer start(Path binary, Path log) throws IOException {
    return start(binary, LoopbackPorts.free(), log);
  }

  /** Like {@link #start(Path, Path)}, with more nats-server options. */
  public static LocalNatsServer start(Path binary, Path log, List<String> options)
      throws IOException {
    return start(binary, LoopbackPorts.free(), log, options);
  }

  /** Starts the server on {@code port} (again on the same port = a restart, for tests). */
  public static LocalNatsServer start(Path binary, int port, Path log) throws IOException {
    return start(binary, port, log, List.of());
  }

  /** @param options more nats-server options (authentication, TLS) */
  public static LocalNatsServer start(Path binary, int port, Path log, List<String> options)
      throws IOException {
    List<String> argv = new java.util.ArrayList<>(List.of(binary.toString(), "-a", "127.0.0.1",
        "-p", String.valueOf(port)));
    argv.addAll(options);
    Process process = new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    LocalNatsServer server = new LocalNatsServer(process, port);
    long until = System.nanoTime() + READY_WITHIN.toNanos();
    while (!server.accepts()) {
      if (!process.isAlive() || System.nanoTime() > until) {
        server.close();
        throw new IOException("nats-server did not start on 127.0.0.1:" + port + " (exit "
            + (process.isAlive() ? "none" : process.exitValue()) + "); see " + log);
      }
      sleep(50);
    }
    return server;
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  private boolean accepts() {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
