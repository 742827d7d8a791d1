package dev.restoreflow.worker;

import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import java.util.List;

/** A job's steps for people: name, outcome, duration, detail. */
final class Timeline {

  private Timeline() {}

  static String line(StepProgress step) {
    String took = step.status() == StepStatus.DONE
        ? String.format("%7.2f s", step.durationMillis() / 1000.0) : "         ";
    return String.format("  %-17s %-9s %s  %s", step.name(), step.status(), took,
        step.detail() == null ? "" : step.detail());
  }

  static long activityMillis(List<StepProgress> steps) {
    return steps.stream().filter(s -> s.status() == StepStatus.DONE)
        .mapToLong(StepProgress::durationMillis).sum();
  }
}
