package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Runs one step of a job: marks it running, runs it, marks how it ended, and tells the ledger
 * (through {@link Ledger}). Workflow-side; shared by every kind of job.
 */
final class StepRuns {

  /** What the job's ledger hears of a step. */
  interface Ledger {
    /** The step is about to run (it is marked running). */
    void started(String name);

    /** The step has ended (done, failed or cancelled). */
    void ended(String name);

    /** Before {@link RestoreWorkflowImpl#READABLE_HISTORY}: both changes are one write each. */
    static Ledger everyChange(java.util.function.Consumer<String> recordStep) {
      return new Ledger() {
        @Override
        public void started(String name) {
          recordStep.accept(name);
        }

        @Override
        public void ended(String name) {
          recordStep.accept(name);
        }
      };
    }
  }

  private static final Logger log = Workflow.getLogger(StepRuns.class);

  private final String jobId;
  private final StepTracker steps;
  private final Ledger ledger;

  StepRuns(String jobId, StepTracker steps, Ledger ledger) {
    this.jobId = jobId;
    this.steps = steps;
    this.ledger = ledger;
  }

  <T> T run(String name, Supplier<T> body, Function<T, StepResult> summary) {
    steps.start(name);
    ledger.started(name);
    T value;
    try {
      value = body.get();
    } catch (ActivityFailure e) {
      boolean cancelled = JobFailures.isCancellation(e);
      log.info("job {} step {} ended {}: {}", jobId, name, cancelled ? "by cancel" : "in failure",
          e.getCause() == null ? e : e.getCause().toString());
      steps.endRunning(cancelled ? StepStatus.CANCELLED : StepStatus.FAILED,
          cancelled ? "cancelled" : JobFailures.rootMessage(e));
      ledger.ended(name);
      throw e;
    } catch (CanceledFailure e) {
      steps.endRunning(StepStatus.CANCELLED, "cancelled");
      ledger.ended(name);
      throw e;
    }
    StepResult result = summary.apply(value);
    steps.done(name, result);
    ledger.ended(name);
    log.info("job {} step {} done: {}", jobId, name, result.detail());
    return value;
  }
}
