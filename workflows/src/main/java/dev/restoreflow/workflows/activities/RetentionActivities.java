package dev.restoreflow.workflows.activities;

import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.RetentionInput;
import dev.restoreflow.workflows.model.RetentionReport;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** Retention on the instance's host: read the repository and decide; delete what was decided. */
@ActivityInterface
public interface RetentionActivities {

  /** Every backup's verdict under the instance's policy (with the input's counts). Reads only. */
  @ActivityMethod(name = Steps.PLAN_RETENTION)
  RetentionReport planRetention(RetentionInput input);

  /**
   * Deletes {@code planned} (PlanRetention's list), dependents first. The policy is applied again
   * first: a backup the plan would delete but that a backup taken since needs is kept, and only
   * what both the plan and the fresh decision delete is deleted.
   */
  @ActivityMethod(name = Steps.APPLY_RETENTION)
  StepResult applyRetention(RetentionInput input, List<String> planned);
}
