package dev.restoreflow.workflows.activities;

import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.ActivityInterface;

/** pg_probackup's restore on the instance's host (activity type ProbackupRestore). */
@ActivityInterface
public interface ProbackupActivities {

  /** The step's name: the activity type the Temporal UI shows. */
  String RESTORE_STEP = "ProbackupRestore";


  /** Restores the backup into the data directory; heartbeats with the tool's progress. */
  StepResult probackupRestore(EngineRestoreInput input);
}
