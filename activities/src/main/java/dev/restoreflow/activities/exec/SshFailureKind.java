package dev.restoreflow.activities.exec;

/** Why an SSH connection could not be made. Only an unreachable host is worth retrying. */
public enum SshFailureKind {
  AUTH_FAILED(true),
  HOST_KEY_UNKNOWN(true),
  HOST_KEY_CHANGED(true),
  UNREACHABLE(false);

  private final boolean permanent;

  SshFailureKind(boolean permanent) {
    this.permanent = permanent;
  }

  public boolean isPermanent() {
    return permanent;
  }
}
