package dev.restoreflow.activities.cluster;

/**
 * PostgreSQL refused to start: the start command failed and no server is running. Trying again
 * will not help (a setting it rejects, a damaged data directory): the step's failure is
 * CLUSTER_START_FAILED, and the message quotes the end of the server's log.
 */
public class ClusterStartFailedException extends RuntimeException {

  public ClusterStartFailedException(String message) {
    super(message);
  }
}
