package dev.restoreflow.workflows.model;

import java.util.List;

/** The outcome of a retention job that ran to its end (a failure is an exception instead). */
public record RetentionResult(
    String jobId,
    String instance,
    String host,
    JobState state,
    boolean applied,
    RetentionReport report,
    List<String> deleted,
    List<StepProgress> steps,
    String message) {}
