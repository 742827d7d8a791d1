package dev.restoreflow.activities.mysqltables;

import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The restore steps of engine mysqltables after PlanRestore, run by the names the engine's plan
 * gives through an untyped stub, on the instance's host queue.
 */
@ActivityInterface
public interface MysqlTablesActivities {

  String RESTORE_STEP = "MysqlTablesRestore";
  String VERIFY_STEP = "VerifyTables";

  /** Loads the chosen tables beside the live ones, checks them, and swaps them in at once. */
  @ActivityMethod(name = RESTORE_STEP)
  StepResult mysqlTablesRestore(EngineRestoreInput input);

  /** The live tables' rows and checksums are the manifest's. */
  @ActivityMethod(name = VERIFY_STEP)
  StepResult verifyTables(EngineRestoreInput input);
}
