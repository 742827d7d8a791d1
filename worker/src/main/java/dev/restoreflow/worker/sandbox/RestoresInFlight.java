package dev.restoreflow.worker.sandbox;

import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.ledger.StepRow;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.StepStatus;
import java.util.List;
import java.util.Optional;

/**
 * Which job, according to the ledger, is restoring an instance's data directory right now: an
 * open restore job that has begun to change the cluster (any step after PlanRestore has started)
 * and has not started it again (StartCluster is not done). Such a job brings the cluster back
 * itself; nobody else should start it, on data that may be half-written.
 */
public final class RestoresInFlight {

  private RestoresInFlight() {}

  /** The oldest such job of {@code instance}, if any. */
  public static Optional<JobRow> of(JobLedger ledger, String instance) {
    return ledger.openJobs().stream()
        .filter(job -> QueueEntry.RESTORE.equals(job.kind()) && instance.equals(job.instance()))
        .filter(job -> isRestoring(ledger.steps(job.jobId())))
        .findFirst();
  }

  static boolean isRestoring(List<StepRow> steps) {
    boolean touched = steps.stream()
        .anyMatch(s -> !Steps.PLAN.equals(s.step()) && s.startedAt() > 0);
    boolean startedAgain = steps.stream()
        .anyMatch(s -> Steps.START.equals(s.step()) && StepStatus.DONE.name().equals(s.status()));
    return touched && !startedAgain;
  }
}
