package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.Approval;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One restore job: PlanRestore, StopCluster, WipeData, ProbackupRestore, StartCluster, Promote,
 * VerifyCluster, run on the instance's host once the host's queue gives this job its turn.
 */
@WorkflowInterface
public interface RestoreWorkflow {

  @WorkflowMethod
  RestoreResult restore(RestoreRequest request);

  /** Sent by the host queue when this job may use the host. */
  @SignalMethod
  void grant();

  /**
   * Lets a job AWAITING_APPROVAL go on. {@code by} is required; ignored by a job that does not
   * wait for approval (or no longer does).
   */
  @SignalMethod
  void approve(Approval approval);

  /** Ends a job AWAITING_APPROVAL as REJECTED, with nothing touched. */
  @SignalMethod
  void reject(Approval approval);

  @QueryMethod
  RestoreProgress progress();
}
