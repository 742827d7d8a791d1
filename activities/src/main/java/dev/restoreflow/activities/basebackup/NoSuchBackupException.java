package dev.restoreflow.activities.basebackup;

/** The repository has no (complete) backup that fits what was asked. */
public class NoSuchBackupException extends RuntimeException {

  public NoSuchBackupException(String message) {
    super(message);
  }
}
