package dev.restoreflow.activities.cluster;

/** PostgreSQL was not started: the data directory holds a restore that did not finish. */
public final class UnfinishedRestoreException extends RuntimeException {

  public UnfinishedRestoreException(String message) {
    super(message);
  }
}
