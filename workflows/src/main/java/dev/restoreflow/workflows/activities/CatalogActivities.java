package dev.restoreflow.workflows.activities;

import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.StepInput;
import io.temporal.activity.ActivityInterface;

/** Reads an instance's backups from its engine's repository (activity type ListBackups). */
@ActivityInterface
public interface CatalogActivities {

  InstanceCatalog listBackups(StepInput input);
}
