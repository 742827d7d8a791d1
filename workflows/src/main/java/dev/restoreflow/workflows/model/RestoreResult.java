package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The outcome of a restore job that ran to its end (a failure is an exception instead).
 *
 * @param restoreSeconds the measured RTO (the job's restoring steps, from the first after
 *     PlanRestore and approval to VerifyCluster); null when it did not restore
 */
public record RestoreResult(
    String jobId,
    String instance,
    String host,
    JobState state,
    String backupId,
    RestorePlan plan,
    List<StepProgress> steps,
    String message,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long restoreSeconds) {

  public RestoreResult(String jobId, String instance, String host, JobState state,
      String backupId, RestorePlan plan, List<StepProgress> steps, String message) {
    this(jobId, instance, host, state, backupId, plan, steps, message, null);
  }
}
