package dev.restoreflow.activities;

import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandTimeoutException;
import dev.restoreflow.activities.exec.SshConnectException;
import dev.restoreflow.workflows.FailureType;
import io.temporal.failure.ApplicationFailure;

/** Builds the typed ApplicationFailures activities throw. */
public final class Failures {

  private Failures() {}

  public static ApplicationFailure of(FailureType type, String message) {
    return type.isPermanent()
        ? ApplicationFailure.newNonRetryableFailure(message, type.name())
        : ApplicationFailure.newFailure(message, type.name());
  }

  /** A command that failed: retryable unless the caller knows better. */
  public static ApplicationFailure ofCommand(String what, CommandFailedException e) {
    if (e instanceof SshConnectException ssh && ssh.kind().isPermanent()) {
      return of(FailureType.valueOf("SSH_" + ssh.kind().name()), what + ": " + e.getMessage());
    }
    FailureType type = e instanceof CommandTimeoutException
        ? FailureType.COMMAND_TIMEOUT : FailureType.COMMAND_FAILED;
    return ApplicationFailure.newFailure(what + ": " + e.getMessage(), type.name());
  }
}
