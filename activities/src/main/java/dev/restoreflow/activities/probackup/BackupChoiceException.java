package dev.restoreflow.activities.probackup;

import dev.restoreflow.workflows.FailureType;

/** The asked-for backup cannot be used; {@link #type()} says why. */
public class BackupChoiceException extends RuntimeException {

  private final FailureType type;

  public BackupChoiceException(FailureType type, String message) {
    super(message);
    this.type = type;
  }

  public FailureType type() {
    return type;
  }
}
