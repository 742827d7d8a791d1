package dev.restoreflow.workflows.model;

/**
 * What PlanBackup found: the backup type to take and, for an incremental type, the backup it
 * builds on.
 *
 * @param parentBackupId the backup an incremental one builds on; null for a full backup
 */
public record BackupPlan(String instance, String host, String engine, String type,
    String parentBackupId, String detail) {}
