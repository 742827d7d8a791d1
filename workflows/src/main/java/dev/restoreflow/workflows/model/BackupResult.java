package dev.restoreflow.workflows.model;

import java.util.List;

/** The outcome of a backup job that ran to its end (a failure is an exception instead). */
public record BackupResult(
    String jobId,
    String instance,
    String host,
    JobState state,
    String backupId,
    String type,
    List<StepProgress> steps,
    String message) {}
