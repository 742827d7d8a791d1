package dev.restoreflow.workflows.model;

/**
 * Where a job is. SUCCEEDED, PLANNED, FAILED, CANCELLED and REJECTED are final. A job
 * AWAITING_APPROVAL has planned and touched nothing; it goes on once approved, or ends REJECTED.
 */
public enum JobState {
  RESOLVING, QUEUED, RUNNING, SUCCEEDED, PLANNED, FAILED, CANCELLED, AWAITING_APPROVAL, REJECTED;

  public boolean isFinal() {
    return this == SUCCEEDED || this == PLANNED || this == FAILED || this == CANCELLED
        || this == REJECTED;
  }
}
