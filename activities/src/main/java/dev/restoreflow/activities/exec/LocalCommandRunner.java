package dev.restoreflow.activities.exec;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteResultHandler;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on this machine with Commons Exec. When the worker runs as root and the command
 * names another OS user, it runs through {@code runuser -u USER --} (PostgreSQL refuses root),
 * from {@code /} so that the user never needs access to the worker's directory. A command gets
 * only the environment {@link CommandEnvironment} allows.
 */
public final class LocalCommandRunner implements CommandRunner {

  private static final Logger log = LoggerFactory.getLogger("restoreflow.command");
  private static final long POLL_MILLIS = 200;

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
    List<String> argv = effectiveArgv(command);
    CommandLine line = new CommandLine(argv.get(0));
    argv.subList(1, argv.size()).forEach(arg -> line.addArgument(arg, false));

    CommandOutput output = new CommandOutput(command, listener, redactor);
    ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(command.timeout()).get();
    DefaultExecutor executor = DefaultExecutor.builder().get();
    executor.setExitValues(null);
    executor.setWatchdog(watchdog);
    executor.setStreamHandler(new PumpStreamHandler(output.out, output.err,
        command.stdin() == null ? null
        : new ByteArrayInputStream(command.stdin().getBytes(StandardCharsets.UTF_8))));
    if (needsUserSwitch(command)) {
      executor.setWorkingDirectory(new File("/"));
    }

    log.info("run{}: {}", command.runAs() == null ? "" : " as " + command.runAs(),
        redactor.redact(command.display()));
    long started = System.nanoTime();
    Completion handler = new Completion();
    try {
      executor.execute(line, environment(command), handler);
      boolean stopped = false;
      while (!handler.awaitFor(POLL_MILLIS)) {
        if (!stopped && stopRequested.getAsBoolean()) {
          log.info("stopping {} on request", command.program());
          watchdog.destroyProcess();
          stopped = true;
        }
      }
    } catch (IOException e) {
      throw new CommandFailedException(command, "could not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      watchdog.destroyProcess();
      Thread.currentThread().interrupt();
      throw new CommandFailedException(command, "interrupted", e);
    } finally {
      output.flush();
    }
    long elapsed = (System.nanoTime() - started) / 1_000_000;
    int exit = handler.exitValue;
    CommandResult result = output.result(exit, elapsed);
    if (watchdog.killedProcess() && !stopRequested.getAsBoolean()) {
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
