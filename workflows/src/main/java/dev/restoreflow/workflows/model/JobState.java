package dev.restoreflow.workflows.model;

/** Where a job is. The last four are final. */
public enum JobState {
  RESOLVING, QUEUED, RUNNING, SUCCEEDED, PLANNED, FAILED, CANCELLED;

  public boolean isFinal() {
    return this == SUCCEEDED || this == PLANNED || this == FAILED || this == CANCELLED;
  }
}
