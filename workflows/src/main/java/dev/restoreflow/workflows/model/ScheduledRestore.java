package dev.restoreflow.workflows.model;

/**
 * What a schedule runs each time it fires: a restore of {@code request} (a restore drill),
 * named after the schedule so its jobs are recognizable ({@code <schedule>-<time>}).
 */
public record ScheduledRestore(String schedule, RestoreRequest request) {}
