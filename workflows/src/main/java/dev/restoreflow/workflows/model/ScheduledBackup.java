package dev.restoreflow.workflows.model;

/**
 * What a backup schedule runs each time it fires: a backup job of {@code request}, named after
 * the schedule so its jobs are recognizable ({@code <schedule>-<time>}).
 */
public record ScheduledBackup(String schedule, BackupRequest request) {}
