package dev.restoreflow.activities.steps;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.workflows.activities.CatalogActivities;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.RestoreTarget;
import dev.restoreflow.workflows.model.StepInput;

/**
 * ListBackups and DescribeTarget: the instance's engine reads its repository, and what a restore
 * would overwrite.
 */
public class CatalogActivitiesImpl implements CatalogActivities {

  private final HostServices services;
  private final Engines engines;

  public CatalogActivitiesImpl(HostServices services, Engines engines) {
    this.services = services;
    this.engines = engines;
  }

  @Override
  public InstanceCatalog listBackups(StepInput input) {
    try (HostStep step = HostStep.open(services, input)) {
      return engines.of(step.instance()).catalog(step);
    } catch (CommandFailedException e) {
      throw Failures.ofCommand("ListBackups", e);
    }
  }

  @Override
  public RestoreTarget describeTarget(StepInput input) {
    try (HostStep step = HostStep.open(services, input)) {
      return engines.of(step.instance()).describeTarget(step);
    }
  }
}
