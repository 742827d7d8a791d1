package dev.restoreflow.workflows.model;

import java.util.List;

/**
 * The answer of the {@code progress} query, and the shape of the final result.
 *
 * @param currentStep the running step, or null when none runs
 * @param dataState what the data directory holds now, in words (after a failure or cancel)
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
    String dataState) {}
