package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.RetentionResult;
import dev.restoreflow.workflows.model.ScheduledRetention;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One firing of a retention schedule: starts the retention job (applying the policy) and waits
 * for its end. Started by a Temporal Schedule, or by itself as a cron workflow on servers without
 * Schedules.
 */
@WorkflowInterface
public interface ScheduledRetentionWorkflow {

  @WorkflowMethod
  RetentionResult run(ScheduledRetention scheduled);
}
