package dev.restoreflow.workflows.model;

/**
 * A backup a drill restored and checked: when, by which job, and how long the restore took.
 *
 * @param provenAt ISO-8601 instant the drill ended
 */
public record ProvenBackup(String instance, String backupId, String provenAt, String jobId,
    Long restoreSeconds) {}
