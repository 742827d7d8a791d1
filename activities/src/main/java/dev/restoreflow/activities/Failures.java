package dev.restoreflow.activities;

import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandTimeoutException;
import dev.restoreflow.activities.exec.SshConnectException;
import dev.restoreflow.workflows.FailureType;
import io.temporal.failure.ApplicationFailure;

/** Builds the typed ApplicationFailures activities throw. */
public final class Failures {

  private Failures() {}

  /** Permanent types are never retried; transient ones while the step's {@link RetryBudget} lasts. */
  public static ApplicationFailure of(FailureType type, String message) {
    return type.isPermanent()
        ? ApplicationFailure.newNonRetryableFailure(message, type.name())
        : RetryBudget.failure(type, message);
  }

  /**
   * A failure of a type that is usually transient but that this caller knows a retry would only
   * repeat (e.g. a rebuilt database that differs from its backup's figures: a retry rebuilds the
   * same).
   */
  public static ApplicationFailure notRetried(FailureType type, String message) {
    return ApplicationFailure.newNonRetryableFailure(message, type.name());
  }

  /**
   * A command that failed: retryable (within the budget) unless the caller knows better, or the
   * command found its file system full.
   */
  public static ApplicationFailure ofCommand(String what, CommandFailedException e) {
    return of(typeOf(e), what + ": " + e.getMessage());
  }

  private static FailureType typeOf(CommandFailedException e) {
    if (DiskFull.saysNoSpace(e.stderrTail())) {
      return FailureType.DISK_FULL;
    }
    if (e instanceof SshConnectException ssh) {
      return switch (ssh.kind()) {
        case AUTH_FAILED -> FailureType.SSH_AUTH_FAILED;
        case HOST_KEY_UNKNOWN -> FailureType.SSH_HOST_KEY_UNKNOWN;
        case HOST_KEY_CHANGED -> FailureType.SSH_HOST_KEY_CHANGED;
        case UNREACHABLE -> FailureType.HOST_UNREACHABLE;
      };
    }
    return e instanceof CommandTimeoutException ? FailureType.COMMAND_TIMEOUT
        : FailureType.COMMAND_FAILED;
  }
}
