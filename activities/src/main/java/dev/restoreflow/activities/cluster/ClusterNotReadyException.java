package dev.restoreflow.activities.cluster;

/**
 * The cluster is not in the state a step needs (still running after a stop, not accepting
 * connections in time, a pg_ctl status that says neither running nor stopped). Trying again may
 * help: the step's failure is CLUSTER_NOT_READY.
 */
public class ClusterNotReadyException extends RuntimeException {

  public ClusterNotReadyException(String message) {
    super(message);
  }

  public ClusterNotReadyException(String message, Throwable cause) {
    super(message, cause);
  }
}
