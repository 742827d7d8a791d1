package dev.restoreflow.workflows.model;

import java.util.List;

/**
 * The answer of the {@code progress} query, and the shape of the final result.
 *
 * @param currentStep the running step, or null when none runs
 * @param dataState what the data directory holds now, in words (after a failure or cancel)
 * @param plan PlanRestore's plan once planned (with RPO and RTO): what a person approving the job
 *     reads; null before
 */
public record RestoreProgress(
    String jobId,
    String instance,
    String host,
    JobState state,
    String currentStep,
    String backupId,
    List<StepProgress> steps,
    String message,
    String dataState,
    RestorePlan plan) {

  public RestoreProgress(String jobId, String instance, String host, JobState state,
      String currentStep, String backupId, List<StepProgress> steps, String message,
      String dataState) {
    this(jobId, instance, host, state, currentStep, backupId, steps, message, dataState, null);
  }
}
