package dev.restoreflow.activities.exec;

import java.time.Duration;

/** A command that outlived its timeout and was killed. */
public class CommandTimeoutException extends CommandFailedException {

  public CommandTimeoutException(Command command, Duration timeout, CommandResult partial) {
    super(command, new CommandResult(partial.exitCode(), partial.stdout(),
        "timed out after " + timeout.toSeconds() + " s; " + partial.stderrTail(),
        partial.elapsedMillis()));
  }
}
