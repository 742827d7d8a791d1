package dev.restoreflow.activities.cluster;

/** What {@code pg_ctl status} says. */
public enum ClusterState {
  RUNNING, STOPPED, NO_DATA;

  /** pg_ctl status: 0 running, 3 not running, 4 no accessible data directory. */
  public static ClusterState fromPgCtlExit(int exitCode) {
    return switch (exitCode) {
      case 0 -> RUNNING;
      case 3 -> STOPPED;
      case 4 -> NO_DATA;
      default -> throw new ClusterNotReadyException("pg_ctl status exited with " + exitCode);
    };
  }
}
