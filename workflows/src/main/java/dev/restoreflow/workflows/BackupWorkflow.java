package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.RestoreProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One backup job: PlanBackup, TakeBackup, VerifyBackup, run on the instance's host once the
 * host's queue gives this job its turn (a backup never runs beside a restore of the host).
 */
@WorkflowInterface
public interface BackupWorkflow {

  @WorkflowMethod
  BackupResult backup(BackupRequest request);

  /** Sent by the host queue when this job may use the host. */
  @SignalMethod
  void grant();

  /** The job's steps and state; the same shape as a restore's. */
  @QueryMethod
  RestoreProgress progress();
}
