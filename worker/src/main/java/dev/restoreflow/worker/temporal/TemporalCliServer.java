package dev.restoreflow.worker.temporal;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Temporal dev server of the {@code temporal} CLI, as a child process on 127.0.0.1,
 * keeping its state in SQLite under the state directory and serving the Web UI.
 */
public final class TemporalCliServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TemporalCliServer.class);

  private final Process process;
  private final int port;
  private final int uiPort;

  private TemporalCliServer(Process process, int port, int uiPort) {
    this.process = process;
    this.port = port;
    this.uiPort = uiPort;
  }

  /** The {@code temporal} program on PATH, if there is one. */
  public static Optional<Path> findOnPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "temporal");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public static TemporalCliServer start(Path program, Path stateDir) throws IOException {
    int port = freePort();
    int uiPort = freePort();
    Files.createDirectories(stateDir);
    Path logFile = stateDir.resolve("temporal-server.log");
    Process process = new ProcessBuilder(List.of(program.toString(), "server", "start-dev",
        "--ip", "127.0.0.1", "--port", String.valueOf(port), "--ui-port", String.valueOf(uiPort),
        "--db-filename", stateDir.resolve("temporal.db").toString(), "--log-level", "warn"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
    TemporalCliServer server = new TemporalCliServer(process, port, uiPort);
    server.awaitReady(Duration.ofSeconds(60), logFile);
    return server;
  }

  private void awaitReady(Duration limit, Path logFile) {
    long deadline = System.nanoTime() + limit.toNanos();
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build());
    try {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("temporal server start-dev exited with "
              + process.exitValue() + "; see " + logFile);
        }
        try {
          stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
              .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
          log.info("temporal dev server on {} (Web UI http://127.0.0.1:{})", target(), uiPort);
          return;
        } catch (RuntimeException notYet) {
          sleep(300);
        }
      }
      close();
      throw new IllegalStateException("temporal dev server did not answer within "
          + limit.toSeconds() + " s; see " + logFile);
    } finally {
      stubs.shutdownNow();
    }
  }

  public String target() {
    return "127.0.0.1:" + port;
  }

  public String webUi() {
    return "http://127.0.0.1:" + uiPort;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
