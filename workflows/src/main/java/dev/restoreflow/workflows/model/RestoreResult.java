package dev.restoreflow.workflows.model;

import java.util.List;

/** The outcome of a restore job that ran to its end (a failure is an exception instead). */
public record RestoreResult(
    String jobId,
    String instance,
    String host,
    JobState state,
    String backupId,
    RestorePlan plan,
    List<StepProgress> steps,
    String message) {}
