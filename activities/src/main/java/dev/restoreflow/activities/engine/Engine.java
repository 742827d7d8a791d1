package dev.restoreflow.activities.engine;

import dev.restoreflow.workflows.model.EngineRestoreInput;
import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.cluster.DataDirectoryTarget;
import dev.restoreflow.activities.cluster.RestoreProof;
import dev.restoreflow.activities.cluster.ScratchCluster;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.activities.config.EngineSettings;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.model.BackupInput;
import dev.restoreflow.workflows.model.BackupPlan;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.RestorePlan;
import dev.restoreflow.workflows.model.RestoreTarget;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.TakenBackup;
import java.time.Instant;
import java.util.List;

/**
 * A kind of backup and restore (pg_probackup, pg_basebackup tarballs in object storage, ...):
 * everything restoreflow needs to know about one tool. One implementation per engine, in its own
 * package, listed once in {@link Engines}; nothing else names engines. Implementations hold no
 * state: what a call works with comes in as arguments.
 */
public interface Engine {

  /** The instance's {@code engine} in the config. */
  String name();

  // ---- configuration

  /**
   * This engine's section of an instance's config ({@code instances.N.<engine name>}), checked,
   * with its defaults filled in. The section is the engine's alone: read it with
   * {@link SettingsSection#read} into a record of the engine's package.
   *
   * @param key the section's key, e.g. {@code instances.main1.basebackup}
   * @param name the instance's name (a default for names inside the tool, e.g. a stanza)
   * @param instance the instance's common settings, checked (its {@code settings} still null)
   * @param section the section as written; null when the instance has none
   * @throws BadSettingException naming the bad key
   */
  EngineSettings checkSettings(String key, String name, InstanceConfig instance,
      JsonNode section);

  /**
   * Whether an instance of this engine has a data directory ({@code pgdata}) that restores
   * replace; false for an engine that works on a database through its server (mysqltables):
   * its instances need no pgdata, and nothing of restoreflow stops, starts or wipes them.
   */
  default boolean hasDataDirectory() {
    return true;
  }

  /**
   * Whether this engine's {@link #planRestore} checks the room with its {@link RoomCheck}: then
   * PlanRestore reads the free space (df) while the engine plans.
   */
  default boolean checksRoom() {
    return hasDataDirectory();
  }

  /**
   * The database a default scratch database is named after ({@code <base>_drill}): the
   * instance's {@code database}, or the engine's own (mysqltables).
   */
  default String scratchDatabaseBase(InstanceConfig instance) {
    return instance.database();
  }

  /**
   * Whether a clone or drill of this engine restores into a scratch database of the instance's
   * own server (pgdump, mysqltables) rather than into a scratch data directory and port beside
   * the instance's cluster (the engines with a data directory).
   */
  default boolean restoresIntoScratchDatabase() {
    return false;
  }

  // ---- requests (checked before anything runs, by the one request resolver)

  /**
   * The backup id as this engine spells it.
   *
   * @throws IllegalArgumentException saying which form the engine's ids have
   */
  String normalizeBackupId(String backupId);

  /** Whether a restore can keep the data directory and rewrite only what differs. */
  boolean restoresIncrementally();

  /** The backup types this engine takes, the default first. */
  List<String> backupTypes();

  /** The compressions a backup request may choose; empty = the config decides alone. */
  List<String> compressions();

  /**
   * Whether a backup request may name its backup ({@code name}, replaced with {@code force})
   * and put it in a sub-directory of the repository ({@code dir}).
   */
  default boolean namesBackups() {
    return false;
  }

  /** Whether a restore can bring back only some tables ({@code tables}). */
  default boolean restoresTables() {
    return false;
  }

  /**
   * The tables a backup request names, checked: an engine that backs up chosen tables
   * (mysqltables) requires them and returns them normalized; every other engine refuses them.
   *
   * @param tables the request's tables; null when it names none
   * @throws IllegalArgumentException saying what is wrong (the resolver answers INVALID_REQUEST)
   * @throws UnsupportedOperationException when the engine does not back up chosen tables
   */
  /**
   * Where this instance's backups go, as a person names it (mysqltables: the archive directory,
   * which the NATS gateway's {@code futurefilename} starts with); null when the engine has no
   * such place to show.
   */
  default String backupPlace(InstanceConfig instance) {
    return null;
  }

  default java.util.List<String> checkBackupTables(java.util.List<String> tables) {
    if (tables != null) {
      throw new UnsupportedOperationException("engine " + name() + " backs up whole databases"
          + " or clusters; tables are chosen per backup only by engine mysqltables");
    }
    return null;
  }

  /**
   * The restore's steps for this request, in order; the workflow runs exactly these. Neither
   * {@code incremental} nor {@code full}: the engine's default (a full restore, or pgBackRest's
   * delta). Both at once are refused before this is asked (by the request resolver).
   */
  List<PlannedStep> restoreSteps(boolean incremental, boolean full);

  // ---- on the instance's host

  /**
   * PlanRestore's engine part: the backup to restore and its chain, the tools, the room (through
   * {@code room}). Reads only.
   */
  RestorePlan planRestore(HostStep step, PlanInput input, RoomCheck room);

  /** PlanBackup's engine part: the cluster runs, the repository answers, the parent. Reads only. */
  BackupPlan planBackup(HostStep step, BackupInput input);

  /**
   * TakeBackup: makes one new backup. A retry (the attempt before it died) first clears what the
   * dead attempt left, so that a job ends with exactly one new valid backup.
   */
  TakenBackup takeBackup(HostStep step, BackupInput input);

  /** VerifyBackup: the new backup is whole and valid as a restore would read it. */
  StepResult verifyBackup(HostStep step, BackupInput input, String backupId);

  /**
   * Every backup in the instance's repository, oldest first, read from the repository itself, and
   * the window the instance can be restored to.
   */
  InstanceCatalog catalog(HostStep step);

  /**
   * What a restore of the instance would overwrite, for the person asked to confirm it: by
   * default the data directory and its cluster. Reads only, and never fails: what cannot be read
   * is said in the target's note.
   */
  default RestoreTarget describeTarget(HostStep step) {
    return DataDirectoryTarget.read(step.host(), step.runner(), step.instance());
  }

  /**
   * What the next backup of the instance would be, and why, for people (restoreflow summary).
   * By default the engine's first type; an engine that decides by itself says what it decides.
   */
  default String nextBackup(InstanceConfig instance, InstanceCatalog catalog, Instant now) {
    return backupTypes().get(0) + " (the engine's default; --type chooses)";
  }

  /**
   * Deletes one backup from the repository, as retention decided (it has decided that no kept
   * backup depends on it, and deletes dependents first). Returns what was done, for the step's
   * detail.
   */
  String deleteBackup(HostStep step, String backupId);

  // ---- clones and drills (a restore into a scratch target: step.instance() then describes the
  // scratch directory and port, or the scratch database, in place of the instance's own)

  /**
   * ProveRestore: the restored scratch target is sound. By default (engines with a data
   * directory) amcheck on every B-tree index of every database of the scratch cluster, and
   * per-table row counts against {@link #backupFigures}; on a scratch database (logical
   * engines) only that database. Fails VERIFY_FAILED (not retried) with what is damaged.
   */
  default StepResult proveRestore(HostStep step, EngineRestoreInput input) {
    long started = System.currentTimeMillis();
    RestoreProof proof = new RestoreProof(step.cluster());
    String detail;
    try (Heartbeats beats = Heartbeats.start(proof::progress)) {
      // a scratch database lives in the instance's own server: only it is checked
      String only = step.scratch() != null && step.scratch().directory() == null
          ? step.instance().database() : null;
      detail = proof.prove(backupFigures(step, input.backupId()), step.instance().database(),
          name(), beats::stopped, only);
      beats.rethrowIfStopped();
    } catch (RestoreProof.DamageFound e) {
      throw Failures.notRetried(FailureType.VERIFY_FAILED, Steps.PROVE + ": " + e.getMessage());
    }
    return new StepResult(Steps.PROVE, started, System.currentTimeMillis(), detail);
  }

  /**
   * RemoveScratch: stops the scratch cluster and deletes its directory (by default), or drops
   * the scratch database (logical engines). Nothing when already gone. Returns the step's detail.
   */
  default String removeScratch(HostStep step) {
    if (step.scratch().directory() == null) {
      throw new UnsupportedOperationException("engine " + name() + " restores clones and drills"
          + " into a scratch database: it removes it by its own removeScratch");
    }
    return new ScratchCluster(step.runner(), step.instance(), step.scratch())
        .remove(step.cluster());
  }

  /**
   * Per-table row counts recorded when {@code backupId} was taken ({@code schema.table} or the
   * engine's table name -> rows), for ProveRestore to compare; empty when the engine records none.
   */
  default java.util.Map<String, Long> backupFigures(HostStep step, String backupId) {
    return java.util.Map.of();
  }

  /** The activity implementations of this engine's restore step, for the host worker. */
  Object restoreStepActivities(HostServices services);

  /** The host's disk check: bytes available for a restore that needs {@code need}, or a failure. */
  @FunctionalInterface
  interface RoomCheck {
    long available(String backupId, long need);
  }
}
