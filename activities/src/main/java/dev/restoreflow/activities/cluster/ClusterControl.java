package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts, stops, promotes and queries one cluster through a host's command runner. */
public final class ClusterControl {

  private static final Logger log = LoggerFactory.getLogger(ClusterControl.class);
  /** Limits of status checks and of one query (the step's activity timeout is above them). */
  public static final Duration QUICK = Duration.ofSeconds(30);
  public static final Duration QUERY_LIMIT = Duration.ofMinutes(5);
  private static final Duration POLL = Duration.ofMillis(250);

  private final CommandRunner runner;
  private final InstanceConfig instance;

  public ClusterControl(CommandRunner runner, InstanceConfig instance) {
    this.runner = runner;
    this.instance = instance;
  }

  public ClusterState state() {
    CommandResult result = runner.run(asOwner(ClusterCommands.status(instance), QUICK));
    return ClusterState.fromPgCtlExit(result.exitCode());
  }

  /** Stops the cluster; returns what happened, for the step's detail. */
  public String stop(boolean immediate) {
    if (state() != ClusterState.RUNNING) {
      return "already stopped";
    }
    Duration timeout = Duration.ofSeconds(instance.stopTimeoutSeconds() + 30L);
    CommandResult result = runner.run(asOwnerOrRoot(ClusterCommands.stop(instance, immediate), timeout));
    if (!result.succeeded() && !immediate) {
      log.warn("fast shutdown of {} did not finish ({}); stopping immediately",
          instance.pgdata(), result.stderrTail());
      runner.runChecked(asOwner(ClusterCommands.stop(instance, true), timeout));
      return "stopped (fast shutdown timed out, then immediate)";
    }
    if (!result.succeeded()) {
      throw new CommandFailedException(asOwner(ClusterCommands.stop(instance, immediate), timeout),
          result);
    }
    if (state() == ClusterState.RUNNING) {
      throw new ClusterNotReadyException("cluster still running after stop");
    }
    return immediate ? "stopped (immediate)" : "stopped (fast)";
  }

  /**
   * Starts the cluster and waits until it accepts connections.
   *
   * @throws UnfinishedRestoreException when a restore of its data directory began and did not
   *     finish ({@link UnfinishedRestore}): PostgreSQL must not run on partial data
   * @throws ClusterStartFailedException when the start fails and no server is running: PostgreSQL
   *     refused to start (the message quotes the end of its log)
   * @throws CommandFailedException when the start command fails but a server runs (still
   *     starting after pg_ctl's wait): worth waiting for again
   */
  public String start(BooleanSupplier stopWaiting) {
    UnfinishedRestore.find(runner, instance).ifPresent(marker -> {
      throw new UnfinishedRestoreException(UnfinishedRestore.refusal(instance, marker));
    });
    String what = "already running";
    if (state() != ClusterState.RUNNING) {
      Duration timeout = Duration.ofSeconds(instance.startTimeoutSeconds() + 30L);
      Command start = asOwnerOrRoot(ClusterCommands.start(instance), timeout);
      CommandResult result = runner.run(start);
      if (!result.succeeded()) {
        if (state() != ClusterState.RUNNING) {
          throw refusedToStart(start, result);
        }
        throw new CommandFailedException(start, result);
      }
      what = "started";
    }
    long waited = waitUntil(() -> runner.run(asOwner(ClusterCommands.isReady(instance), QUICK))
        .succeeded(), Duration.ofSeconds(instance.startTimeoutSeconds()), stopWaiting,
        "accepting connections");
    return what + ", accepting connections after " + waited + " ms";
  }

  private ClusterStartFailedException refusedToStart(Command start, CommandResult result) {
    List<String> argv = ClusterCommands.serverLogTail(instance);
    String source = instance.systemdUnit() != null ? "the journal of " + instance.systemdUnit()
        : instance.serverLog();
    String tail;
    try {
      CommandResult log = runner.run(instance.systemdUnit() != null
          ? Command.of(argv, null, QUICK) : asOwner(argv, QUICK));
      tail = log.succeeded() && !log.stdout().isBlank() ? indent(log.stdout())
          : " (nothing could be read: " + log.stderrTail().strip() + ")";
    } catch (CommandFailedException e) {
      tail = " (nothing could be read: " + e.getMessage() + ")";
    }
    String said = result.stderrTail().isBlank() ? result.stdout() : result.stderrTail();
    return new ClusterStartFailedException(String.format("PostgreSQL refused to start %s: %s"
        + " exited with %d (%s), and no server is running. Last lines of %s:%s\nFix what the log"
        + " names (e.g. a setting in postgresql.auto.conf, where the instance's settings go), then"
        + " start the cluster or run the restore again",
        instance.pgdata(), start.program(), result.exitCode(), said.strip().replace('\n', ' '),
        source, tail));
  }

  private static String indent(String lines) {
    StringBuilder out = new StringBuilder();
    for (String line : lines.strip().split("\n")) {
      out.append("\n  ").append(line);
    }
    return out.toString();
  }

  public boolean inRecovery() {
    return "t".equals(queryValue("select pg_is_in_recovery()"));
  }

  public String promote(BooleanSupplier stopWaiting) {
    if (!inRecovery()) {
      return "not in recovery; nothing to promote";
    }
    Command promote = asOwner(ClusterCommands.promote(instance),
        Duration.ofSeconds(instance.startTimeoutSeconds() + 30L));
    CommandResult result = runner.run(promote);
    if (!result.succeeded()) {
      // A server whose recovery ends at its target (recovery_target_action = promote) can leave
      // recovery between the check above and pg_ctl's: "server is not in standby mode".
      if (!inRecovery()) {
        return "promoted itself at the end of recovery; out of recovery";
      }
      throw new CommandFailedException(promote, result);
    }
    long waited = waitUntil(() -> !inRecovery(), Duration.ofSeconds(instance.startTimeoutSeconds()),
        stopWaiting, "out of recovery");
    return "promoted; out of recovery after " + waited + " ms";
  }

  /** Runs one query and returns its output, trimmed. */
  public String queryValue(String sql) {
    return runner.runChecked(asOwner(ClusterCommands.query(instance, sql), QUERY_LIMIT))
        .stdout().strip();
  }

  /** Runs one query in {@code database} of the cluster and returns its output, trimmed. */
  public String queryIn(String database, String sql) {
    return runner.runChecked(asOwner(ClusterCommands.query(instance, database, sql), QUERY_LIMIT))
        .stdout().strip();
  }

  /**
   * {@link #queryIn(String, String)} that may take up to {@code limit} (a whole database's
   * check), with its output lines (notices on stderr) to {@code listener} as they come, and
   * killed once {@code stop} says so.
   */
  public String queryIn(String database, String sql, Duration limit,
      dev.restoreflow.activities.exec.OutputListener listener, BooleanSupplier stop) {
    Command query = asOwner(ClusterCommands.query(instance, database, sql), limit);
    CommandResult result = runner.run(query, listener, stop);
    if (!result.succeeded()) {
      throw new CommandFailedException(query, result);
    }
    return result.stdout().strip();
  }

  private long waitUntil(BooleanSupplier condition, Duration limit, BooleanSupplier stopWaiting,
      String what) {
    long started = System.nanoTime();
    long deadline = started + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new ClusterNotReadyException("cluster not " + what + " after " + limit.toSeconds() + " s");
      }
      if (stopWaiting.getAsBoolean()) {
        throw new ClusterNotReadyException("stopped waiting for the cluster to be " + what);
      }
      sleep(POLL);
    }
    return (System.nanoTime() - started) / 1_000_000;
  }

  private Command asOwner(List<String> argv, Duration timeout) {
    return Command.of(argv, instance.osUser(), timeout);
  }

  /** systemctl needs root; pg_ctl must not be root. */
  private Command asOwnerOrRoot(List<String> argv, Duration timeout) {
    return Command.of(argv, "systemctl".equals(argv.get(0)) ? null : instance.osUser(), timeout);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterNotReadyException("interrupted", e);
    }
  }
}
