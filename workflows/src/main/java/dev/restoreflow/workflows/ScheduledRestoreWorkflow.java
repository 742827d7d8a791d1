package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.ScheduledRestore;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One firing of a restoreflow schedule: starts the restore job and waits for its end. Started by
 * a Temporal Schedule, or by itself as a cron workflow on servers without Schedules.
 */
@WorkflowInterface
public interface ScheduledRestoreWorkflow {

  @WorkflowMethod
  RestoreResult run(ScheduledRestore scheduled);
}
