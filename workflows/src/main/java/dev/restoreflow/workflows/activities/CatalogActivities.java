package dev.restoreflow.workflows.activities;

import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.RestoreTarget;
import dev.restoreflow.workflows.model.StepInput;
import io.temporal.activity.ActivityInterface;

/**
 * Reads on an instance's host: its backups, from its engine's repository (activity type
 * ListBackups), and what a restore would overwrite there (DescribeTarget).
 */
@ActivityInterface
public interface CatalogActivities {

  InstanceCatalog listBackups(StepInput input);

  /** Never fails for what it cannot read: the target's note says it. */
  RestoreTarget describeTarget(StepInput input);
}
