package dev.restoreflow.workflows.activities;

import dev.restoreflow.workflows.model.BackupInput;
import dev.restoreflow.workflows.model.BackupPlan;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.TakenBackup;
import io.temporal.activity.ActivityInterface;

/**
 * A backup on the instance's host, for every engine (the host's worker hands each step to the
 * instance's engine). Activity types: PlanBackup, TakeBackup, VerifyBackup.
 */
@ActivityInterface
public interface BackupActivities {

  /** Checks the cluster runs, the tools and the repository answer; picks the parent. Read-only. */
  BackupPlan planBackup(BackupInput input);

  /**
   * Takes the backup; heartbeats its progress. A retry after a crash first clears what the dead
   * attempt left (its process, its unfinished backup), so a job ends with exactly one new backup.
   */
  TakenBackup takeBackup(BackupInput input);

  /** Checks the new backup in the repository as a restore would read it. */
  StepResult verifyBackup(BackupInput input, String backupId);
}
