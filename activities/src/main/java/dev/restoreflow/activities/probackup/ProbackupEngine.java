package dev.restoreflow.activities.probackup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.config.EngineSettings;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.engine.SettingsSection;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.host.HostTools;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.model.BackupInput;
import dev.restoreflow.workflows.model.BackupPlan;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.RestorePlan;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.TakenBackup;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pg_probackup: backups in its catalog ({@code -B}), restored with {@code restore} (incremental
 * with {@code -I CHECKSUM}), taken with {@code backup -b FULL|DELTA|PAGE --stream}.
 */
public final class ProbackupEngine implements Engine {

  public static final String NAME = "probackup";
  static final Duration SHOW_LIMIT = Duration.ofMinutes(5);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EngineSettings checkSettings(String key, String name, InstanceConfig instance,
      JsonNode section) {
    return ProbackupSettings.check(key, name,
        SettingsSection.read(key, section, ProbackupConfig.class));
  }

  @Override
  public String normalizeBackupId(String backupId) {
    return BackupIds.normalize(backupId);
  }

  @Override
  public boolean restoresIncrementally() {
    return true;
  }

  @Override
  public List<String> backupTypes() {
    return List.of("FULL", "DELTA", "PAGE");
  }

  @Override
  public List<String> compressions() {
    return List.of();
  }

  @Override
  public List<PlannedStep> restoreSteps(boolean incremental, boolean full) {
    // full is this engine's default: asking for it changes nothing
    return Steps.restore(ProbackupActivities.RESTORE_STEP, incremental);
  }

  @Override
  public RestorePlan planRestore(HostStep step, PlanInput input, RoomCheck room) {
    HostTools.requirePgCtl(step);   // the restore stops and starts the cluster
    ProbackupSide side = ProbackupSide.of(step);
    checkTool(step, side);
    BackupChoice choice = ProbackupBackups.choose(step, side, input.backupId());
    BackupInfo backup = choice.backup();
    long need = backup.pgdataBytes() > 0 ? backup.pgdataBytes() : backup.dataBytes();
    long available = room.available(backup.id(), need);
    log().info("plan: restore backup {} ({}) chain {} into {}; need {} bytes, available {}",
        backup.id(), backup.backupMode(), choice.chainIds(), step.instance().pgdata(), need,
        available);
    return new RestorePlan(step.instanceName(), step.host(), NAME, backup.id(),
        backup.backupMode(), backup.recoveryTime(), choice.chainIds(), need, available,
        step.instance().pgdata(),
        restoreSteps(input.incremental(), Boolean.TRUE.equals(input.full())));
  }

  @Override
  public BackupPlan planBackup(HostStep step, BackupInput input) {
    HostTools.requirePgCtl(step);
    ProbackupSide side = ProbackupSide.of(step);
    checkTool(step, side);
    step.requireRunningForBackup();   // a STREAM backup reads the running server
    String parent = null;
    if (!input.type().equals("FULL")) {
      parent = ProbackupBackups.newestValid(step, side).map(BackupInfo::id)
          .orElseThrow(() -> Failures.of(FailureType.NO_VALID_BACKUP, "a " + input.type()
              + " backup needs a valid FULL backup to build on, and the catalog has none;"
              + " take a FULL backup first (--type FULL)"));
    }
    return new BackupPlan(step.instanceName(), step.host(), NAME, input.type(), parent,
        input.type() + " backup of " + step.instanceName() + " into " + catalogOf(step)
            + (parent == null ? "" : ", on top of " + parent));
  }

  @Override
  public TakenBackup takeBackup(HostStep step, BackupInput input) {
    return new ProbackupBackups(step, ProbackupSide.of(step)).take(input.type());
  }

  @Override
  public StepResult verifyBackup(HostStep step, BackupInput input, String backupId) {
    long started = System.currentTimeMillis();
    ProbackupSide side = ProbackupSide.of(step);
    try {
      side.runner().runChecked(Command.of(ProbackupCommands.validate(step.instance(), backupId),
          step.instance().osUser(), Duration.ofHours(12)));
    } catch (CommandFailedException e) {
      throw Failures.of(FailureType.BACKUP_NOT_VALID, "backup " + backupId
          + " did not validate: " + e.getMessage() + "; it is not used by restores");
    }
    BackupInfo backup = ProbackupBackups.find(step, side, backupId)
        .orElseThrow(() -> Failures.of(FailureType.BACKUP_NOT_FOUND, "backup " + backupId
            + " is not in the catalog after it was taken"));
    if (!backup.isRestorable()) {
      throw Failures.of(FailureType.BACKUP_NOT_VALID, "backup " + backupId + " has status "
          + backup.status() + " after validation");
    }
    return new StepResult(Steps.VERIFY_BACKUP, started, System.currentTimeMillis(),
        "backup " + backupId + " validated (status " + backup.status() + ")");
  }

  @Override
  public InstanceCatalog catalog(HostStep step) {
    return ProbackupCatalog.of(step, ProbackupBackups.show(step, ProbackupSide.of(step)));
  }

  /** {@code pg_probackup delete -i}: the backup (and children, which retention deleted first). */
  @Override
  public String deleteBackup(HostStep step, String backupId) {
    String id = BackupIds.normalize(backupId);
    try {
      ProbackupSide.of(step).runner().runChecked(Command.of(ProbackupCommands.delete(
          step.instance(), id), step.instance().osUser(), Duration.ofMinutes(30)));
    } catch (CommandFailedException e) {
      throw Failures.ofCommand("deleting backup " + id, e);
    }
    return "deleted " + id + " (pg_probackup delete)";
  }

  @Override
  public Object restoreStepActivities(HostServices services) {
    return new ProbackupActivitiesImpl(services);
  }

  private static String catalogOf(HostStep step) {
    return step.instance().settings(ProbackupConfig.class).catalog() + " (instance "
        + step.instance().settings(ProbackupConfig.class).instance() + ")";
  }

  private static void checkTool(HostStep step, ProbackupSide side) {
    HostTools.require(side.runner(), step.instance(),
        ProbackupCommands.version(step.instance().settings(ProbackupConfig.class)), "pg_probackup",
        "instances." + step.instanceName() + ".probackup.binary");
  }

  /**
   * Not a static field: the registry makes the engines while the config loads, before the CLI
   * has pointed Logback at its log directory.
   */
  private static Logger log() {
    return LoggerFactory.getLogger(ProbackupEngine.class);
  }
}
