package dev.restoreflow.workflows.model;

/**
 * One step of a job as the progress query reports it. Times are the activity's own clock when
 * it finished, else the workflow's clock.
 */
public record StepProgress(String name, StepStatus status, long startedAtMillis,
    long endedAtMillis, String detail) {

  public static StepProgress pending(String name) {
    return new StepProgress(name, StepStatus.PENDING, 0, 0, null);
  }

  public StepProgress running(long now) {
    return new StepProgress(name, StepStatus.RUNNING, now, 0, null);
  }

  public StepProgress finished(StepStatus newStatus, long startedAt, long endedAt, String text) {
    return new StepProgress(name, newStatus, startedAt, endedAt, text);
  }

  public long durationMillis() {
    return endedAtMillis > 0 && startedAtMillis > 0 ? endedAtMillis - startedAtMillis : 0;
  }
}
