package dev.restoreflow.workflows.activities;

import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.RestorePlan;
import io.temporal.activity.ActivityInterface;

/** Runs on the host's task queue. The Temporal UI shows it as PlanRestore. */
@ActivityInterface
public interface PlanActivities {

  /** Picks the backup, checks it is valid, the tools exist and the disk has room. Read-only. */
  RestorePlan planRestore(PlanInput input);
}
