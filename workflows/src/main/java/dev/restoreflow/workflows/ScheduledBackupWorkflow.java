package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.ScheduledBackup;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One firing of a backup schedule: starts the backup job and waits for its end. Started by a
 * Temporal Schedule, or by itself as a cron workflow on servers without Schedules.
 */
@WorkflowInterface
public interface ScheduledBackupWorkflow {

  @WorkflowMethod
  BackupResult run(ScheduledBackup scheduled);
}
