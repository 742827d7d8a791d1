package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The fake hosts' logical restore step, named as the pgdump engine names its own (the engine's
 * interface lives in the activities module, which the workflow tests do not see).
 */
@ActivityInterface
public interface LogicalRestoreActivities {

  String RESTORE_STEP = "PgDumpRestore";

  @ActivityMethod(name = RESTORE_STEP)
  StepResult pgDumpRestore(EngineRestoreInput input);
}
