package dev.restoreflow.activities.pgbackrest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.config.EngineSettings;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.engine.SettingsSection;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.host.HostTools;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.BackupInput;
import dev.restoreflow.workflows.model.BackupPlan;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.RestorePlan;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.TakenBackup;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pgBackRest: one stanza per instance, backups full, diff and incr taken by {@code pgbackrest
 * backup} on the instance's host, restored by {@code pgbackrest restore --delta}. By default (and
 * when incremental is asked for) the restore keeps the data directory and rewrites only what
 * differs (no WipeData); a full one, only when asked for, restores into the emptied directory.
 */
public final class PgBackRestEngine implements Engine {

  public static final String NAME = "pgbackrest";
  /** pgBackRest's own default first: an incr with no prior backup becomes a full by itself. */
  static final List<String> TYPES = List.of("incr", "diff", "full");
  private static final Duration VERIFY_LIMIT = Duration.ofHours(12);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EngineSettings checkSettings(String key, String name, InstanceConfig instance,
      JsonNode section) {
    return PgBackRestSettings.check(key, name, instance,
        SettingsSection.read(key, section, PgBackRestConfig.class));
  }

  @Override
  public String normalizeBackupId(String backupId) {
    return BackupLabels.normalize(backupId);
  }

  @Override
  public boolean restoresIncrementally() {
    return true;
  }

  @Override
  public List<String> backupTypes() {
    return TYPES;
  }

  @Override
  public List<String> compressions() {
    return PgBackRestSettings.COMPRESS_TYPES;
  }

  @Override
  public List<PlannedStep> restoreSteps(boolean incremental, boolean full) {
    return full ? Steps.restore(PgBackRestActivities.RESTORE_STEP, false)
        : Steps.restoreKeepingData(PgBackRestActivities.RESTORE_STEP, Steps.DELTA_KEEPS_DATA);
  }

  @Override
  public RestorePlan planRestore(HostStep step, PlanInput input, RoomCheck room) {
    HostTools.requirePgCtl(step);   // the restore stops and starts the cluster
    Stanza stanza = new Stanza(step);
    stanza.requireTool();
    RestoreChoice choice;
    try {
      choice = RestoreChoice.of(stanza.info(), input.backupId() == null ? null
          : BackupLabels.normalize(input.backupId()), input.recoveryTarget());
    } catch (RestoreChoice.Refused e) {
      throw Failures.of(e.type(), e.getMessage());
    }
    BackupSet backup = choice.backup();
    long available = room.available(backup.label(), backup.size());
    List<String> chain = choice.chain().stream().map(BackupSet::label).toList();
    boolean full = Boolean.TRUE.equals(input.full());
    log().info("plan: restore {} backup {} (chain {}) of stanza {} into {} with --delta{}; need"
        + " {} bytes, available {}", backup.type(), backup.label(), chain,
        step.instance().settings(PgBackRestConfig.class).stanza(), step.instance().pgdata(),
        full ? " after WipeData (a full restore was asked for)" : "", backup.size(), available);
    return new RestorePlan(step.instanceName(), step.host(), NAME, backup.label(), backup.type(),
        Instant.ofEpochSecond(backup.stopTime()).toString(), chain, backup.size(), available,
        step.instance().pgdata(), restoreSteps(input.incremental(), full));
  }

  /**
   * Also sets the stanza up: stanza-create (idempotent) and check (the cluster's WAL reaches the
   * stanza), the first time and every time after, so a backup never starts on a stanza that
   * cannot hold it.
   */
  @Override
  public BackupPlan planBackup(HostStep step, BackupInput input) {
    HostTools.requirePgCtl(step);
    Stanza stanza = new Stanza(step);
    stanza.requireTool();
    step.requireRunningForBackup();   // pgBackRest backs up the running server
    String ready = stanza.ensure();
    StanzaInfo info = stanza.info();
    String parent = null;
    String becomes = "";
    if (!input.type().equals("full")) {
      parent = info.backups().isEmpty() ? null
          : input.type().equals("diff") ? newestFull(info) : info.backups()
              .get(info.backups().size() - 1).label();
      becomes = parent == null ? " (no prior backup: pgBackRest takes a full one)" : "";
    }
    return new BackupPlan(step.instanceName(), step.host(), NAME, input.type(), parent,
        input.type() + " backup of " + step.instanceName() + " into stanza "
            + step.instance().settings(PgBackRestConfig.class).stanza() + becomes
            + (parent == null ? "" : ", on top of " + parent) + "; " + ready);
  }

  private static String newestFull(StanzaInfo info) {
    for (int i = info.backups().size() - 1; i >= 0; i--) {
      if (info.backups().get(i).type().equals("full")) {
        return info.backups().get(i).label();
      }
    }
    return null;
  }

  @Override
  public TakenBackup takeBackup(HostStep step, BackupInput input) {
    return new PgBackRestBackups(step).take(input.type(), input.compression());
  }

  /**
   * The backup is listed without the error flag and with every backup it builds on, and
   * {@code pgbackrest verify --set} reads all its files (and the WAL it needs) and checks them.
   */
  @Override
  public StepResult verifyBackup(HostStep step, BackupInput input, String backupId) {
    long started = System.currentTimeMillis();
    Stanza stanza = new Stanza(step);
    StanzaInfo info = stanza.info();
    BackupSet backup = info.backup(backupId).orElseThrow(() -> Failures.of(
        FailureType.BACKUP_NOT_FOUND, "backup " + backupId + " is not in pgbackrest info after"
            + " it was taken"));
    if (backup.error() || info.chain(backup).isEmpty()) {
      throw Failures.of(FailureType.BACKUP_NOT_VALID, "backup " + backupId + (backup.error()
          ? " has pgBackRest's error flag (page checksum errors while it was taken)"
          : " misses a backup it builds on") + "; it is not used by restores");
    }
    CommandResult verified = stanza.run(PgBackRestCommands.verify(step.instance()
        .settings(PgBackRestConfig.class),
        backupId), VERIFY_LIMIT);
    if (!verified.succeeded()) {
      throw Failures.of(FailureType.BACKUP_NOT_VALID, "backup " + backupId + " did not verify: "
          + PgBackRestFailures.lastError(verified.stderrTail().isBlank() ? verified.stdout()
              : verified.stderrTail()) + "; it is not used by restores");
    }
    return new StepResult(Steps.VERIFY_BACKUP, started, System.currentTimeMillis(),
        "backup " + backupId + " (" + backup.type() + ") verified: listed without errors, its"
            + " files and WAL " + backup.walStart() + " .. " + backup.walStop() + " checked");
  }

  @Override
  public InstanceCatalog catalog(HostStep step) {
    return PgBackRestCatalog.of(step.instanceName(), new Stanza(step).info());
  }

  /** {@code pgbackrest expire --set}: the backup set (its dependents were expired first). */
  @Override
  public String deleteBackup(HostStep step, String backupId) {
    String label = BackupLabels.normalize(backupId);
    CommandResult expired = new Stanza(step).run(PgBackRestCommands.expire(
        step.instance().settings(PgBackRestConfig.class), label), Duration.ofHours(1));
    if (!expired.succeeded()) {
      throw Failures.of(FailureType.COMMAND_FAILED, "pgbackrest expire --set=" + label + ": "
          + PgBackRestFailures.lastError(expired.stderrTail().isBlank() ? expired.stdout()
              : expired.stderrTail()));
    }
    return "expired " + label + " (pgbackrest expire --set)";
  }

  @Override
  public Object restoreStepActivities(HostServices services) {
    return new PgBackRestActivitiesImpl(services);
  }

  /**
   * Not a static field: the registry makes the engines while the config loads, before the CLI
   * has pointed Logback at its log directory.
   */
  private static Logger log() {
    return LoggerFactory.getLogger(PgBackRestEngine.class);
  }
}
