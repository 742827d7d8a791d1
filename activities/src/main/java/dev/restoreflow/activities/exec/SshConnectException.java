package dev.restoreflow.activities.exec;

/** The SSH session to a database host could not be opened. */
public class SshConnectException extends CommandFailedException {

  private final SshFailureKind kind;

  public SshConnectException(Command command, SshFailureKind kind, String message, Throwable cause) {
    super(command, message, cause);
    this.kind = kind;
  }

  public SshFailureKind kind() {
    return kind;
  }
}
