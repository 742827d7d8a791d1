package dev.restoreflow.activities.pgbackrest;

import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * pgBackRest's restore on the instance's host (activity type PgBackRestRestore). The workflow
 * runs it by the name the engine's plan gives, through an untyped stub: this interface lives
 * with the engine, not in the workflows module.
 */
@ActivityInterface
public interface PgBackRestActivities {

  /** The step's name: the activity type the Temporal UI shows. */
  String RESTORE_STEP = "PgBackRestRestore";

  /** Restores the backup into the data directory with --delta; heartbeats bytes written. */
  @ActivityMethod(name = RESTORE_STEP)
  StepResult pgBackRestRestore(EngineRestoreInput input);
}
