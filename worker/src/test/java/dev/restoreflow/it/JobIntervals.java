package dev.restoreflow.it;

import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;

/** When a job used its host: from its first step's start to its last step's end (host clock). */
final class JobIntervals {

  private JobIntervals() {}

  static long[] of(RestoreResult result) {
    long start = result.steps().stream().filter(s -> s.status() == StepStatus.DONE)
        .mapToLong(StepProgress::startedAtMillis).min().orElseThrow();
    long end = result.steps().stream().filter(s -> s.status() == StepStatus.DONE)
        .mapToLong(StepProgress::endedAtMillis).max().orElseThrow();
    return new long[] {start, end};
  }
}
