package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Runs one step of a job: marks it running, runs it, marks how it ended, and records each change
 * in the ledger (through {@code recordStep}). Workflow-side; shared by every kind of job.
 */
final class StepRuns {

  private static final Logger log = Workflow.getLogger(StepRuns.class);

  private final String jobId;
  private final StepTracker steps;
  private final Consumer<String> recordStep;

  StepRuns(String jobId, StepTracker steps, Consumer<String> recordStep) {
    this.jobId = jobId;
    this.steps = steps;
    this.recordStep = recordStep;
  }

  <T> T run(String name, Supplier<T> body, Function<T, StepResult> summary) {
    steps.start(name);
    recordStep.accept(name);
    T value;
    try {
      value = body.get();
    } catch (ActivityFailure e) {
      boolean cancelled = JobFailures.isCancellation(e);
      log.info("job {} step {} ended {}: {}", jobId, name, cancelled ? "by cancel" : "in failure",
          e.getCause() == null ? e : e.getCause().toString());
      steps.endRunning(cancelled ? StepStatus.CANCELLED : StepStatus.FAILED,
          cancelled ? "cancelled" : JobFailures.rootMessage(e));
      recordStep.accept(name);
      throw e;
    } catch (CanceledFailure e) {
      steps.endRunning(StepStatus.CANCELLED, "cancelled");
      recordStep.accept(name);
      throw e;
    }
    StepResult result = summary.apply(value);
    steps.done(name, result);
    recordStep.accept(name);
    log.info("job {} step {} done: {}", jobId, name, result.detail());
    return value;
  }
}
