package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.workflows.FailureType;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Starts pg_dump, pg_restore and psql as processes whose bytes restoreflow reads or writes
 * itself (a dump streamed into the store, a psql session held open), as the instance's OS user
 * and with the environment every command gets. pg_dump is a client: it runs where the worker
 * runs and reaches the database at the instance's {@code connectHost}.
 */
final class LocalProcesses {

  private final LocalCommandRunner runner;

  private LocalProcesses(LocalCommandRunner runner) {
    this.runner = runner;
  }

  /** @throws io.temporal.failure.ApplicationFailure NOT_SUPPORTED for a host over SSH */
  static LocalProcesses of(CommandRunner runner, String host) {
    if (!(runner instanceof LocalCommandRunner local)) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "the pgdump engine runs pg_dump and pg_restore"
          + " on the worker's own machine; host " + host + " is reached over SSH: run a worker on"
          + " it (restoreflow worker --host " + host + ") and make it a local host there");
    }
    return new LocalProcesses(local);
  }

  Process start(List<String> argv, String osUser) throws IOException {
    Command command = Command.of(argv, osUser, Duration.ofHours(24));
    ProcessBuilder builder = new ProcessBuilder(runner.effectiveArgv(command));
    builder.environment().clear();
    builder.environment().putAll(runner.environment(command));
    if (runner.needsUserSwitch(command)) {
      builder.directory(new File("/"));
    }
    return builder.start();
  }
}
