package dev.restoreflow.activities.exec;

import java.util.function.BooleanSupplier;

/** Runs commands on one host: locally, or over SSH on a database host. */
public interface CommandRunner {

  /**
   * Runs the command to its end and returns its result, whatever the exit code.
   *
   * @param listener sees every output line as it arrives
   * @param stopRequested polled while the command runs; true kills it (e.g. on cancellation)
   * @throws CommandTimeoutException when it outlives its timeout (it is killed)
   * @throws CommandFailedException when it could not be started at all
   */
  CommandResult run(Command command, OutputListener listener, BooleanSupplier stopRequested);

  default CommandResult run(Command command) {
    return run(command, OutputListener.NONE, () -> false);
  }

  /** Runs the command and throws {@link CommandFailedException} on a non-zero exit. */
  default CommandResult runChecked(Command command) {
    CommandResult result = run(command);
    if (!result.succeeded()) {
      throw new CommandFailedException(command, result);
    }
    return result;
  }

  /** A short name of where commands run, for logs and messages. */
  String where();
}
