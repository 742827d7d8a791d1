package dev.restoreflow.activities.exec;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteResultHandler;
import org.apache.commons.exec.PumpStreamHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on this machine with Commons Exec. When the worker runs as root and the command
 * names another OS user, it runs through {@code runuser -u USER --} (PostgreSQL refuses root),
 * from {@code /} so that the user never needs access to the worker's directory. A command gets
 * only the environment {@link CommandEnvironment} allows, and runs in a process group of its own
 * ({@code setsid}) that a stop request or its timeout ends as a whole.
 */
public final class LocalCommandRunner implements CommandRunner {

  private static final Logger log = LoggerFactory.getLogger("restoreflow.command");
  private static final long POLL_MILLIS = 200;
  private static final long OUTPUT_GRACE_MILLIS = 10_000;

  private final boolean workerIsRoot;
  private final Redactor redactor;
  private final Map<String, String> workerEnvironment;

  public LocalCommandRunner(Redactor redactor) {
    this(redactor, System.getenv());
  }

  /** @param workerEnvironment the worker's environment, of which commands get only a few names */
  public LocalCommandRunner(Redactor redactor, Map<String, String> workerEnvironment) {
    this(OsUser.isRoot(), redactor, workerEnvironment);
  }

  LocalCommandRunner(boolean workerIsRoot, Redactor redactor) {
    this(workerIsRoot, redactor, System.getenv());
  }

  LocalCommandRunner(boolean workerIsRoot, Redactor redactor, Map<String, String> workerEnvironment) {
    this.workerIsRoot = workerIsRoot;
    this.redactor = redactor;
    this.workerEnvironment = Map.copyOf(workerEnvironment);
  }

  /** The argv that actually runs: the command itself, or wrapped in runuser. */
  public List<String> effectiveArgv(Command command) {
    if (!needsUserSwitch(command)) {
      return command.argv();
    }
    List<String> argv = new ArrayList<>(List.of("runuser", "-u", command.runAs(), "--"));
    argv.addAll(command.argv());
    return argv;
  }

  /** True when the command runs as another user (and so from {@code /}). */
  public boolean needsUserSwitch(Command command) {
    return workerIsRoot && command.runAs() != null && !command.runAs().equals("root");
  }

  @Override
  public CommandResult run(Command command, OutputListener listener, BooleanSupplier stopRequested) {
    Map<String, String> environment = environment(command);
    if (!isProgram(command.program(), environment.get("PATH"))) {
      throw new CommandFailedException(command, "could not start: no such program"
          + (command.program().contains("/") ? "" : " in " + environment.get("PATH")), null);
    }
    List<String> argv = new ArrayList<>(List.of("setsid", "--wait"));
    argv.addAll(effectiveArgv(command));
    CommandLine line = new CommandLine(argv.get(0));
    argv.subList(1, argv.size()).forEach(arg -> line.addArgument(arg, false));

    CommandOutput output = new CommandOutput(command, listener, redactor);
    LocalProcessGroup group = new LocalProcessGroup();
    DefaultExecutor executor = DefaultExecutor.builder().get();
    executor.setExitValues(null);
    executor.setProcessDestroyer(group);
    executor.setStreamHandler(new PumpStreamHandler(output.out, output.err,
        command.stdin() == null ? null
        : new ByteArrayInputStream(command.stdin().getBytes(StandardCharsets.UTF_8))));
    if (needsUserSwitch(command)) {
      executor.setWorkingDirectory(new File("/"));
    }

    log.info("run{}: {}", command.runAs() == null ? "" : " as " + command.runAs(),
        redactor.redact(command.display()));
    long started = System.nanoTime();
    long deadline = started + command.timeout().toNanos();
    Completion handler = new Completion();
    boolean timedOut = false;
    try {
      executor.execute(line, environment, handler);
      while (!handler.awaitFor(POLL_MILLIS)) {
        if (System.nanoTime() - deadline > 0) {
          log.info("{} outlived its timeout of {} s", command.program(), command.timeout().toSeconds());
          timedOut = true;
          end(command, group, handler);
          break;
        }
        if (stopRequested.getAsBoolean()) {
          log.info("stopping {} on request", command.program());
          end(command, group, handler);
          break;
        }
      }
    } catch (IOException e) {
      throw new CommandFailedException(command, "could not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      endQuietly(command, group);
      Thread.currentThread().interrupt();
      throw new CommandFailedException(command, "interrupted", e);
    } finally {
      output.flush();
    }
    long elapsed = (System.nanoTime() - started) / 1_000_000;
    int exit = handler.exitValue;
    CommandResult result = output.result(handler.failure == null
        && exit == org.apache.commons.exec.Executor.INVALID_EXITVALUE ? -1 : exit, elapsed);
    if (timedOut) {
      throw new CommandTimeoutException(command, command.timeout(), result);
    }
    if (handler.failure != null && exit == org.apache.commons.exec.Executor.INVALID_EXITVALUE) {
      throw new CommandFailedException(command, "could not start: "
          + handler.failure.getMessage(), handler.failure);
    }
    log.info("{} exited {} after {} ms", command.program(), exit, elapsed);
    return result;
  }

  /**
   * True when the program can be run. Said here because the command itself is started by setsid
   * (or runuser), which would only exit 127.
   */
  private static boolean isProgram(String program, String searchPath) {
    if (program.contains("/")) {
      return Files.isExecutable(Path.of(program));
    }
    return searchPath != null && Arrays.stream(searchPath.split(":"))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
  }

  /** Ends the command and every process it started, and waits for its output to end. */
  private static void end(Command command, LocalProcessGroup group, Completion handler)
      throws InterruptedException {
    log.info("{}: {}", command.program(), group.end());
    if (!handler.awaitFor(OUTPUT_GRACE_MILLIS)) {
      log.warn("{} was ended but its output is still open (a process outside its process group"
          + " holds it); not waiting for it", command.program());
    }
  }

  private static void endQuietly(Command command, LocalProcessGroup group) {
    try {
      log.info("{}: {}", command.program(), group.end());
    } catch (InterruptedException again) {
      log.warn("{} may still run: interrupted while ending it", command.program());
    }
  }

  /**
   * The end of a process, told without delay (Commons Exec's DefaultExecuteResultHandler polls
   * every 50 ms, which added up to 50 ms to every command).
   */
  private static final class Completion implements ExecuteResultHandler {
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile int exitValue = org.apache.commons.exec.Executor.INVALID_EXITVALUE;
    private volatile ExecuteException failure;

    @Override
    public void onProcessComplete(int exitValue) {
      this.exitValue = exitValue;
      done.countDown();
    }

    @Override
    public void onProcessFailed(ExecuteException e) {
      this.exitValue = e.getExitValue();
      this.failure = e;
      done.countDown();
    }

    /** @return true once the process has ended */
    boolean awaitFor(long millis) throws InterruptedException {
      return done.await(millis, TimeUnit.MILLISECONDS);
    }
  }

  /** The environment the command gets (see {@link CommandEnvironment}): nothing else. */
  public Map<String, String> environment(Command command) {
    return CommandEnvironment.of(workerEnvironment, command, needsUserSwitch(command));
  }

  @Override
  public String where() {
    return "local";
  }
}
