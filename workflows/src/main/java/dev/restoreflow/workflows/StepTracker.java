package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/** The steps of one job and their states, as the progress query shows them. Workflow-side. */
final class StepTracker {

  private final List<StepProgress> steps = new ArrayList<>();

  StepTracker(List<PlannedStep> planned) {
    planned.forEach(step -> steps.add(StepProgress.pending(step.name())));
  }

  /**
   * Takes the steps the plan settled on, in its order: steps already known keep their progress,
   * new ones are pending, ones the plan dropped are gone.
   */
  void follow(List<PlannedStep> planned) {
    List<StepProgress> next = new ArrayList<>();
    for (PlannedStep step : planned) {
      next.add(has(step.name()) ? get(step.name()) : StepProgress.pending(step.name()));
    }
    steps.clear();
    steps.addAll(next);
  }

  boolean has(String name) {
    return steps.stream().anyMatch(step -> step.name().equals(name));
  }

  void start(String name) {
    replace(name, get(name).running(Workflow.currentTimeMillis()));
  }

  /** A step's own times win; a result without times gets the workflow's clock. */
  void done(String name, StepResult result) {
    StepProgress step = get(name);
    boolean timed = result.startedAtMillis() > 0 && result.endedAtMillis() > 0;
    replace(name, step.finished(StepStatus.DONE,
        timed ? result.startedAtMillis() : step.startedAtMillis(),
        timed ? result.endedAtMillis() : Workflow.currentTimeMillis(), result.detail()));
  }

  void skip(String name, String why) {
    replace(name, get(name).finished(StepStatus.SKIPPED, 0, 0, why));
  }

  /** Marks the running step (if any) as ended with {@code status}. */
  void endRunning(StepStatus status, String why) {
    String name = current();
    if (name != null) {
      StepProgress step = get(name);
      replace(name, step.finished(status, step.startedAtMillis(), Workflow.currentTimeMillis(), why));
    }
  }

  /** Steps that never ran once the job has ended. */
  void skipPending(String why) {
    for (StepProgress step : List.copyOf(steps)) {
      if (step.status() == StepStatus.PENDING) {
        skip(step.name(), why);
      }
    }
  }

  String current() {
    return steps.stream().filter(s -> s.status() == StepStatus.RUNNING)
        .map(StepProgress::name).findFirst().orElse(null);
  }

  StepProgress get(String name) {
    return steps.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no step " + name));
  }

  List<StepProgress> snapshot() {
    return List.copyOf(steps);
  }

  private void replace(String name, StepProgress next) {
    steps.set(steps.indexOf(get(name)), next);
  }
}
