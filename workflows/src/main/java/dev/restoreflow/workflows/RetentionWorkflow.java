package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RetentionRequest;
import dev.restoreflow.workflows.model.RetentionResult;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One retention job: PlanRetention, then (when applying) ApplyRetention, on the instance's host
 * once the host's queue gives this job its turn (a deletion never runs beside a backup or a
 * restore of the host).
 */
@WorkflowInterface
public interface RetentionWorkflow {

  @WorkflowMethod
  RetentionResult retention(RetentionRequest request);

  /** Sent by the host queue when this job may use the host. */
  @SignalMethod
  void grant();

  /** The job's steps and state; the same shape as a restore's. */
  @QueryMethod
  RestoreProgress progress();
}
