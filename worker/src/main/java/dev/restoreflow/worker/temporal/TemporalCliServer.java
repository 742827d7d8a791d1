package dev.restoreflow.worker.temporal;

import dev.restoreflow.worker.LoopbackPorts;
import dev.restoreflow.workflows.JobSearchAttributes;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Temporal dev server of the {@code temporal} CLI, as a child process on 127.0.0.1,
 * keeping its state in SQLite under its state directory and serving the Web UI.
 *
 * <p>The ports it gets the first time are kept in the state directory, so a server started
 * again on the same state answers at the same address (configs and workers point there).
 */
public final class TemporalCliServer implements AutoCloseable {

  /** Where {@code scripts/setup} installs the CLI, relative to the project directory. */
  public static final String PROJECT_LOCAL_CLI = ".venv/bin/temporal";

  private static final Logger log = LoggerFactory.getLogger(TemporalCliServer.class);

  private final Process process;
  private final int port;
  private final int uiPort;
  private final Path stateDir;

  private TemporalCliServer(Process process, int port, int uiPort, Path stateDir) {
    this.process = process;
    this.port = port;
    this.uiPort = uiPort;
    this.stateDir = stateDir;
  }

  /**
   * The {@code temporal} program to use: {@code $RESTOREFLOW_TEMPORAL_CLI} (the launcher sets it
   * to the project's .venv/bin/temporal) or the system property {@code restoreflow.temporalCli},
   * else the first one on PATH.
   */
  public static Optional<Path> find() {
    for (String named : new String[] {System.getenv("RESTOREFLOW_TEMPORAL_CLI"),
        System.getProperty("restoreflow.temporalCli")}) {
      if (named != null && !named.isBlank() && Files.isExecutable(Path.of(named))) {
        return Optional.of(Path.of(named));
      }
    }
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

  /**
   * Starts the dev server on the state in {@code stateDir}, at the address it had before. A
   * server of an earlier run that still holds this state (its owner died, or is still shutting it
   * down) is waited for, then ended; a start that fails is tried once more on new ports.
   */
  public static TemporalCliServer start(Path program, Path stateDir) throws IOException {
    return start(program, stateDir, List.of());
  }

  /**
   * Like {@link #start(Path, Path)}, with namespaces created at launch besides {@code default}
   * (restoreflow's server registers its search attributes there when it starts).
   */
  public static TemporalCliServer start(Path program, Path stateDir, List<String> namespaces)
      throws IOException {
    Files.createDirectories(stateDir);
    Path dbFile = stateDir.resolve("temporal.db");
    Path pidFile = stateDir.resolve("server.pid");
    endEarlierServer(pidFile, dbFile);
    Path portsFile = stateDir.resolve("ports");
    int[] ports = savedPorts(portsFile);
    if (ports == null || !LoopbackPorts.isFree(ports[0]) || !LoopbackPorts.isFree(ports[1])) {
      if (ports != null) {
        log.warn("the Temporal dev server's ports {} and {} are taken; it moves to new ones",
            ports[0], ports[1]);
      }
      ports = newPorts(portsFile);
    }
    try {
      return startOn(program, stateDir, ports, pidFile, namespaces);
    } catch (IllegalStateException firstTry) {
      log.warn("{}; trying once more on new ports", firstTry.getMessage());
      return startOn(program, stateDir, newPorts(portsFile), pidFile, namespaces);
    }
  }

  private static TemporalCliServer startOn(Path program, Path stateDir, int[] ports, Path pidFile,
      List<String> namespaces) throws IOException {
    Path logFile = stateDir.resolve("temporal-server.log");
    List<String> argv = new ArrayList<>(List.of(program.toString(), "server", "start-dev",
        "--ip", "127.0.0.1", "--port", String.valueOf(ports[0]),
        "--ui-port", String.valueOf(ports[1]), "--ui-disable-news-fetch",
        "--db-filename", stateDir.resolve("temporal.db").toString(), "--log-level", "warn"));
    for (var key : JobSearchAttributes.ALL) {
      argv.add("--search-attribute");
      argv.add(key.getName() + "=Keyword");
    }
    for (String namespace : namespaces) {
      argv.add("--namespace");
      argv.add(namespace);
    }
    long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
    Process process = new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
    Files.writeString(pidFile, process.pid() + "\n");
    TemporalCliServer server = new TemporalCliServer(process, ports[0], ports[1], stateDir);
    server.awaitReady(Duration.ofSeconds(60), logFile, logStart);
    return server;
  }

  /**
   * A dev server that an earlier run started on this state and that still runs keeps the
   * database (and perhaps the ports): a second one on the same database fails. It is given 20
   * seconds to finish shutting down, then killed; it is only touched when its command line names
   * this state's database, so a reused pid is left alone.
   */
  private static void endEarlierServer(Path pidFile, Path dbFile) throws IOException {
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).trim());
    } catch (NumberFormatException unreadable) {
      return;
    }
    Optional<ProcessHandle> earlier = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(l -> l.contains(dbFile.toString())).orElse(false));
    if (earlier.isEmpty()) {
      return;
    }
    log.warn("the Temporal dev server of an earlier run (pid {}) still runs on {}; waiting up to"
        + " 20 s for it to end", pid, dbFile);
    try {
      earlier.get().onExit().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException stillThere) {
      log.warn("ending the earlier Temporal dev server (pid {})", pid);
      earlier.get().destroyForcibly();
      try {
        earlier.get().onExit().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("the Temporal dev server of an earlier run (pid " + pid
            + ") still holds " + dbFile + "; end it and start again");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      // it ended
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int[] newPorts(Path portsFile) throws IOException {
    int[] ports = {LoopbackPorts.free(), LoopbackPorts.free()};
    Files.writeString(portsFile, ports[0] + " " + ports[1] + "\n");
    return ports;
  }

  private void awaitReady(Duration limit, Path logFile, long logStart) {
    long deadline = System.nanoTime() + limit.toNanos();
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build());
    try {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("temporal server start-dev exited with "
              + process.exitValue() + "; see " + logFile + lastLines(logFile, logStart));
        }
        try {
          stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
              .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
          log.info("temporal dev server on {} (Web UI {}, state {})", target(), webUi(), stateDir);
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

  public long pid() {
    return process.pid();
  }

  /** SIGKILL, as a crash would: no chance to flush or say goodbye. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
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

  /** The last lines the server wrote in this start, to say why it ended. */
  private static String lastLines(Path logFile, long from) {
    try {
      byte[] all = Files.readAllBytes(logFile);
      int start = (int) Math.min(Math.max(from, all.length - 4096L), all.length);
      String tail = new String(all, start, all.length - start,
          java.nio.charset.StandardCharsets.UTF_8).strip();
      List<String> lines = tail.lines().toList();
      List<String> last = lines.subList(Math.max(0, lines.size() - 5), lines.size());
      return last.isEmpty() ? "" : ", which ends:\n  " + String.join("\n  ", last);
    } catch (IOException unreadable) {
      return "";
    }
  }

  private static int[] savedPorts(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    String[] parts = Files.readString(file).trim().split("\\s+");
    try {
      return parts.length == 2 ? new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])}
          : null;
    } catch (NumberFormatException e) {
      return null;
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
