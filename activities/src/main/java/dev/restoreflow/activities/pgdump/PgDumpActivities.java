package dev.restoreflow.activities.pgdump;

import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The logical restore (activity type PgDumpRestore), run by the name the engine's plan gives
 * through an untyped stub.
 */
@ActivityInterface
public interface PgDumpActivities {

  String RESTORE_STEP = "PgDumpRestore";

  /** Restores the backup's chain into a new database, verifies it, and swaps it in. */
  @ActivityMethod(name = RESTORE_STEP)
  StepResult pgDumpRestore(EngineRestoreInput input);
}
