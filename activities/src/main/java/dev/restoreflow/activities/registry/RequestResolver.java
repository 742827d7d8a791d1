package dev.restoreflow.activities.registry;

import dev.restoreflow.activities.cluster.ScratchTargets;
import dev.restoreflow.activities.config.ApprovalConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.Inventory;
import dev.restoreflow.activities.config.NoticeSubscriptions;
import dev.restoreflow.activities.engine.BackupNames;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.engine.RecoveryTargets;
import dev.restoreflow.activities.engine.TableName;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.ApprovalPolicy;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.RecoveryTarget;
import dev.restoreflow.workflows.model.ResolvedBackup;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreInto;
import dev.restoreflow.workflows.model.RestoreRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The one check of a request against the config, used by every way in (line gateway, CLI, the
 * workflows' resolve step for the Java client, schedules and the Temporal UI): the same mistake
 * gets the same {@link FailureType} and message wherever it comes from. Nothing is started for a
 * request it refuses.
 */
public final class RequestResolver {

  private final Inventory config;
  private final Engines engines;

  public RequestResolver(Inventory config) {
    this(config, Engines.standard());
  }

  public RequestResolver(Inventory config, Engines engines) {
    this.config = config;
    this.engines = engines;
  }

  /** @throws RequestRejectedException for a request the config does not allow */
  public ResolvedRestore resolveRestore(String jobId, RestoreRequest request) {
    if (request == null || blank(request.instance())) {
      throw rejected(FailureType.INVALID_REQUEST,
          "a restore needs an instance, e.g. {\"instance\":\"main1\"}");
    }
    InstanceConfig instance = instance(request.instance());
    String host = request.host() != null ? request.host() : instance.host();
    instanceOnHost(request.instance(), host);
    Engine engine = engines.of(instance);
    boolean full = Boolean.TRUE.equals(request.full());
    checkRestoreOptions(engine, request.instance(), request.backupId(), request.recoveryTarget(),
        request.incremental(), full, request.tables());
    boolean scratch = request.into() != null || request.isDrill();
    RestoreInto into = null;
    List<PlannedStep> steps = engine.restoreSteps(request.incremental(), full);
    if (scratch) {
      checkScratchRequest(request);
      into = ScratchTargets.resolve(request.instance(), instance,
          engine.restoresIntoScratchDatabase(), jobId,
          request.into() != null ? request.into() : RestoreInto.anywhere());
      steps = scratchSteps(engine, request.isDrill());
    }
    NoticeSubscriptions notices = config.notices();
    return new ResolvedRestore(jobId, request.instance(), host, engine.name(),
        !Boolean.FALSE.equals(instance.promote()), steps, into,
        approval(request, instance, scratch), notices.stallAfterSeconds(),
        notices.events().isEmpty() ? null : notices.events());
  }

  /** A clone or drill restores a whole backup into an empty scratch target. */
  private static void checkScratchRequest(RestoreRequest request) {
    if (request.tables() != null) {
      throw rejected(FailureType.NOT_SUPPORTED, "a clone or drill restores the whole backup into"
          + " a scratch target: drop tables, or restore the tables without into/drill");
    }
    if (request.incremental()) {
      throw rejected(FailureType.INVALID_REQUEST, "a clone or drill restores into an empty scratch"
          + " target, never incrementally: drop incremental");
    }
  }

  /**
   * The engine's full restore steps (into the empty scratch data directory, or the engine's own
   * steps for a scratch database), and for a drill its proof and the scratch's removal.
   */
  private static List<PlannedStep> scratchSteps(Engine engine, boolean drill) {
    List<PlannedStep> steps = new ArrayList<>(engine.hasDataDirectory()
        ? engine.restoreSteps(false, true) : engine.restoreSteps(false, false));
    if (drill) {
      steps.add(PlannedStep.run(Steps.PROVE));
      steps.add(PlannedStep.run(Steps.REMOVE_SCRATCH));
    }
    return List.copyOf(steps);
  }

  /**
   * Approval is waited for when the instance's config requires it for restores over the instance,
   * or the request asks for it; a request cannot turn off what the config requires.
   */
  private static ApprovalPolicy approval(RestoreRequest request, InstanceConfig instance,
      boolean scratch) {
    ApprovalConfig configured = instance.approval();
    boolean required = Boolean.TRUE.equals(request.requireApproval())
        || (!scratch && configured != null && Boolean.TRUE.equals(configured.required()));
    if (!required) {
      return null;
    }
    return new ApprovalPolicy(true, configured == null
        ? ApprovalPolicy.DEFAULT_TIMEOUT_SECONDS : configured.timeoutSeconds());
  }

  /**
   * {@link #checkRestoreOptions(Engine, String, String, RecoveryTarget, boolean, boolean, List)}
   * of a restore of the whole backup.
   */
  public static void checkRestoreOptions(Engine engine, String instanceName, String backupId,
      RecoveryTarget target, boolean incremental, boolean full) {
    checkRestoreOptions(engine, instanceName, backupId, target, incremental, full, null);
  }

  /**
   * What a restore asks of the instance's engine: a backup id of its form, one valid recovery
   * target, incremental only where the engine has it, not incremental and full at once. Also
   * checked again by PlanRestore on the host (its worker's config may differ from the server's).
   *
   * @param tables null = the whole backup; else table names of {@link TableName}'s form, for an
   *     engine that restores tables
   * @throws RequestRejectedException BAD_BACKUP_ID, BAD_RECOVERY_TARGET, NOT_SUPPORTED or
   *     INVALID_REQUEST
   */
  public static void checkRestoreOptions(Engine engine, String instanceName, String backupId,
      RecoveryTarget target, boolean incremental, boolean full, List<String> tables) {
    if (tables != null) {
      if (!engine.restoresTables()) {
        throw rejected(FailureType.NOT_SUPPORTED, "instance '" + instanceName + "' (engine "
            + engine.name() + ") restores whole clusters; tables are restored selectively only"
            + " from logical backups (engine pgdump): drop tables");
      }
      try {
        TableName.parseAll(tables);
      } catch (IllegalArgumentException e) {
        throw rejected(FailureType.INVALID_REQUEST, e.getMessage());
      }
    }
    if (incremental && full) {
      throw rejected(FailureType.INVALID_REQUEST, "a restore is either incremental (keeps the"
          + " data directory) or full (wipes it first), not both: drop incremental or full");
    }
    if (backupId != null) {
      backupId(instanceName, engine, backupId);
    }
    try {
      RecoveryTargets.check(target);
    } catch (IllegalArgumentException e) {
      throw rejected(FailureType.BAD_RECOVERY_TARGET, e.getMessage());
    }
    if (incremental && !engine.restoresIncrementally()) {
      throw rejected(FailureType.NOT_SUPPORTED, "instance '" + instanceName + "' (engine "
          + engine.name() + ") is always restored in full; drop incremental");
    }
  }

  /** @throws RequestRejectedException for a request the config does not allow */
  public ResolvedBackup resolveBackup(String jobId, BackupRequest request) {
    if (request == null || blank(request.instance())) {
      throw rejected(FailureType.INVALID_REQUEST,
          "a backup needs an instance, e.g. {\"instance\":\"main1\"}");
    }
    InstanceConfig instance = instance(request.instance());
    Engine engine = engines.of(instance);
    String type = backupType(request.instance(), engine, request.type());
    if (request.compression() != null && !engine.compressions().contains(request.compression())) {
      throw rejected(engine.compressions().isEmpty() ? FailureType.NOT_SUPPORTED
          : FailureType.INVALID_REQUEST, "compression '" + request.compression() + "' is not "
          + (engine.compressions().isEmpty() ? "chosen per backup by engine " + engine.name()
              : "one of " + String.join(", ", engine.compressions())) + " (instance '"
          + request.instance() + "')");
    }
    checkBackupOptions(engine, request.instance(), request.name(), request.dir(),
        request.forced());
    checkBackupTables(engine, request.instance(), request.tables());
    NoticeSubscriptions notices = config.notices();
    return new ResolvedBackup(jobId, request.instance(), instance.host(), engine.name(), type,
        request.compression(), notices.events().isEmpty() ? null : notices.events(),
        notices.stallAfterSeconds());
  }

  /**
   * The tables a backup names, as the engine allows them. Also checked again on the host.
   *
   * @throws RequestRejectedException NOT_SUPPORTED or INVALID_REQUEST
   */
  public static java.util.List<String> checkBackupTables(Engine engine, String instanceName,
      java.util.List<String> tables) {
    try {
      return engine.checkBackupTables(tables);
    } catch (UnsupportedOperationException e) {
      throw rejected(FailureType.NOT_SUPPORTED, "instance '" + instanceName + "': "
          + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw rejected(FailureType.INVALID_REQUEST, "instance '" + instanceName + "': "
          + e.getMessage());
    }
  }

  /**
   * A backup's name and directory: of {@link BackupNames}' form, for an engine that names
   * backups; {@code force} only with a name. Also checked again on the host (workflow input is
   * anyone's JSON).
   *
   * @throws RequestRejectedException NOT_SUPPORTED or INVALID_REQUEST
   */
  public static void checkBackupOptions(Engine engine, String instanceName, String name,
      String dir, boolean force) {
    if ((name != null || dir != null || force) && !engine.namesBackups()) {
      throw rejected(FailureType.NOT_SUPPORTED, "instance '" + instanceName + "' (engine "
          + engine.name() + ") names its backups itself, in its own repository: drop name, dir"
          + " and force");
    }
    try {
      if (name != null) {
        BackupNames.checkName(name);
      }
      if (dir != null) {
        BackupNames.checkDir(dir);
      }
    } catch (IllegalArgumentException e) {
      throw rejected(FailureType.INVALID_REQUEST, e.getMessage());
    }
    if (force && name == null) {
      throw rejected(FailureType.INVALID_REQUEST, "force replaces the backup of the name given:"
          + " add a name, or drop force");
    }
  }

  /** See {@link Inventory#instanceOnHost}. */
  public InstanceConfig instanceOnHost(String name, String host) {
    return config.instanceOnHost(name, host);
  }

  /** The backup id as the instance's engine spells it. */
  public String backupId(String instanceName, String backupId) {
    return backupId(instanceName, engines.of(instance(instanceName)), backupId);
  }

  /** @throws RequestRejectedException BAD_BACKUP_ID */
  public static String checkedBackupId(Engine engine, String instanceName, String backupId) {
    return backupId(instanceName, engine, backupId);
  }

  private static String backupId(String instanceName, Engine engine, String backupId) {
    try {
      return engine.normalizeBackupId(backupId);
    } catch (IllegalArgumentException e) {
      throw rejected(FailureType.BAD_BACKUP_ID, "instance '" + instanceName + "' (engine "
          + engine.name() + "): " + e.getMessage());
    }
  }

  /** The backup type as the engine spells it (case does not matter); null = the default. */
  public static String backupType(String instanceName, Engine engine, String type) {
    if (type == null) {
      return engine.backupTypes().get(0);
    }
    for (String known : engine.backupTypes()) {
      if (known.equalsIgnoreCase(type.trim())) {
        return known;
      }
    }
    throw rejected(FailureType.INVALID_REQUEST, "backup type '" + type + "' is not one of "
        + String.join(", ", engine.backupTypes()) + " (instance '" + instanceName + "', engine "
        + engine.name() + ")");
  }

  public InstanceConfig instance(String name) {
    return config.knownInstance(name);
  }

  public Inventory config() {
    return config;
  }

  public Engines engines() {
    return engines;
  }

  private static RequestRejectedException rejected(FailureType type, String message) {
    return new RequestRejectedException(type, message);
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }
}
