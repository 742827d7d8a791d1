package dev.restoreflow.workflows.model;

/**
 * The backup TakeBackup made; it is valid only once VerifyBackup has passed.
 *
 * @param bytes the backup's size as stored in the repository (0 when the tool does not say)
 */
public record TakenBackup(String backupId, String type, long bytes, long startedAtMillis,
    long endedAtMillis, String detail) {}
