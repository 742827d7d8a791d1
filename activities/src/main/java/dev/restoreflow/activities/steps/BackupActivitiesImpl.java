package dev.restoreflow.activities.steps;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.BackupActivities;
import dev.restoreflow.workflows.model.BackupInput;
import dev.restoreflow.workflows.model.BackupPlan;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.TakenBackup;

/** PlanBackup, TakeBackup and VerifyBackup, each handed to the instance's engine. */
public class BackupActivitiesImpl implements BackupActivities {

  private final HostServices services;
  private final Engines engines;

  public BackupActivitiesImpl(HostServices services, Engines engines) {
    this.services = services;
    this.engines = engines;
  }

  @Override
  public BackupPlan planBackup(BackupInput input) {
    try (HostStep step = HostStep.open(services, input.step());
        Heartbeats beats = Heartbeats.start()) {
      Engine engine = engines.of(step.instance());
      checkType(engine, step, input);
      return engine.planBackup(step, input);
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.PLAN_BACKUP, e);
    }
  }

  @Override
  public TakenBackup takeBackup(BackupInput input) {
    try (HostStep step = HostStep.open(services, input.step())) {
      Engine engine = engines.of(step.instance());
      checkType(engine, step, input);
      return engine.takeBackup(step, input);
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.TAKE_BACKUP, e);
    }
  }

  @Override
  public StepResult verifyBackup(BackupInput input, String backupId) {
    try (HostStep step = HostStep.open(services, input.step());
        Heartbeats beats = Heartbeats.start()) {
      Engine engine = engines.of(step.instance());
      String id;
      try {
        id = RequestResolver.checkedBackupId(engine, step.instanceName(), backupId);
      } catch (RequestRejectedException e) {
        throw Failures.of(e.type(), e.getMessage());
      }
      return engine.verifyBackup(step, input, id);
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.VERIFY_BACKUP, e);
    }
  }

  /** The type the workflow resolved; a hand-written input may carry any type, name or dir. */
  private static void checkType(Engine engine, HostStep step, BackupInput input) {
    try {
      RequestResolver.checkBackupOptions(engine, step.instanceName(), input.name(), input.dir(),
          input.forced());
    } catch (RequestRejectedException e) {
      throw Failures.of(e.type(), e.getMessage());
    }
    if (input.type() == null || !engine.backupTypes().contains(input.type())) {
      throw Failures.of(FailureType.INVALID_REQUEST, "backup type '" + input.type()
          + "' is not one of " + String.join(", ", engine.backupTypes()) + " (instance '"
          + step.instanceName() + "', engine " + engine.name() + ")");
    }
  }
}
