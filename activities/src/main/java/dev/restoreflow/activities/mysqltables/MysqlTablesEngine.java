package dev.restoreflow.activities.mysqltables;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.config.EngineSettings;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.engine.SettingsSection;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.BackupInput;
import dev.restoreflow.workflows.model.BackupPlan;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.RestorePlan;
import dev.restoreflow.workflows.model.RestoreTarget;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.TakenBackup;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * mysqltables: chosen tables of one MySQL/MariaDB database, dumped from one snapshot into a 7z
 * archive ({@code <table>.sql} each, plus {@code manifest.json}) named
 * {@code YYYY-MM-DD_HH-MM-SS-backup.7z}, the seed's form; restored table by table into the live
 * database through a scratch database and one atomic RENAME TABLE. The server is never stopped.
 */
public final class MysqlTablesEngine implements Engine {

  public static final String NAME = "mysqltables";
  static final String FULL = "full";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EngineSettings checkSettings(String key, String name, InstanceConfig instance,
      JsonNode section) {
    return MysqlTablesSettings.check(key, SettingsSection.read(key, section,
        MysqlTablesConfig.class));
  }

  /** An instance of this engine is a database on a server: it has no data directory. */
  @Override
  public boolean hasDataDirectory() {
    return false;
  }

  /** A clone or drill restores into a scratch database of the instance's own server. */
  @Override
  public String scratchDatabaseBase(InstanceConfig instance) {
    return instance.settings(MysqlTablesConfig.class).database();
  }

  @Override
  public boolean restoresIntoScratchDatabase() {
    return true;
  }

  @Override
  public String normalizeBackupId(String backupId) {
    return ArchiveNames.check(backupId);
  }

  @Override
  public boolean restoresIncrementally() {
    return false;
  }

  @Override
  public List<String> backupTypes() {
    return List.of(FULL);
  }

  @Override
  public List<String> compressions() {
    return List.of();
  }

  /** A request's name is the archive's file name, of the seed's form (the NATS promise). */
  @Override
  public boolean namesBackups() {
    return true;
  }

  @Override
  public boolean restoresTables() {
    return true;
  }

  /**
   * Named tables are checked and normalized; none at all (null) passes here because retention
   * and schedules check an instance through the same resolver with a table-less request; a
   * backup without tables is refused at PlanBackup (INVALID_REQUEST, nothing written).
   */
  @Override
  public List<String> checkBackupTables(List<String> tables) {
    return tables == null ? null : TableNames.parseAll(tables);
  }

  @Override
  public String backupPlace(InstanceConfig instance) {
    return instance.settings(MysqlTablesConfig.class).archiveDir();
  }

  /** The server stays up: no StopCluster, WipeData, StartCluster, Promote or VerifyCluster. */
  @Override
  public List<PlannedStep> restoreSteps(boolean incremental, boolean full) {
    return List.of(PlannedStep.run(Steps.PLAN),
        PlannedStep.run(MysqlTablesActivities.RESTORE_STEP),
        PlannedStep.run(MysqlTablesActivities.VERIFY_STEP));
  }

  /**
   * The archive (the given one, or the newest) tests whole with 7zz, its manifest names the
   * tables asked for, and the database answers; for a clone or drill ({@code into}), the scratch
   * database is free or a leftover scratch database of ours. Reads only.
   */
  @Override
  public RestorePlan planRestore(HostStep step, PlanInput input, RoomCheck room) {
    if (input.recoveryTarget() != null && !input.recoveryTarget().isEmpty()) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "a table archive restores to the moment of"
          + " its dump; a recovery target needs a physical engine");
    }
    try (Connection connection = Connection.open(step)) {
      ArchiveDirectory archives = connection.archives;
      String archive = chosenArchive(archives, input.backupId());
      String damage = archives.test(archives.archive(archive));
      if (damage != null) {
        throw Failures.of(FailureType.BACKUP_NOT_VALID, "archive " + archive + " is damaged ("
            + damage + "); nothing was changed");
      }
      Manifest manifest = manifest(archives, archive);
      List<String> tables = chosenTables(manifest, archive, input.tables());
      List<SevenZip.Entry> entries = archives.listing(archive).orElseThrow(() -> Failures.of(
          FailureType.BACKUP_NOT_VALID, "7zz cannot list " + archive + "; nothing was changed"));
      long bytes = 0;
      for (String table : tables) {
        bytes += entries.stream().filter(e -> e.path().equals(TableNames.file(table)))
            .findFirst().orElseThrow(() -> Failures.of(FailureType.BACKUP_NOT_VALID, "archive "
                + archive + " lacks " + TableNames.file(table) + " its manifest names")).size();
      }
      String mode;
      if (step.scratch() != null) {
        ScratchSchema into = scratchOf(step, connection.config);
        try (SqlSession session = session(connection)) {
          into.requireFreeOrOurs(session);
        } catch (ScratchSchema.NotOursException e) {
          throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage() + "; nothing was changed");
        } catch (IOException e) {
          throw notReady(connection.config, e);
        }
        mode = "tables " + String.join(", ", tables) + " into scratch database " + into.name()
            + " (made anew and checked; the live tables are not touched)";
      } else {
        requireNoForeignKeys(connection, tables);
        mode = "tables " + String.join(", ", tables) + " into database "
            + connection.config.database()
            + " (loaded beside the live ones, checked, then swapped in at once)";
      }
      long free = Files.getFileStore(archives.dir()).getUsableSpace();
      return new RestorePlan(step.instanceName(), step.host(), NAME, archive, mode,
          manifest.endTime(), List.of(archive), bytes, free, null, restoreSteps(false, false));
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, Steps.PLAN + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, Steps.PLAN + ": interrupted");
    }
  }

  private static String chosenArchive(ArchiveDirectory archives, String backupId)
      throws IOException {
    if (backupId == null) {
      List<String> all = archives.archives();
      if (all.isEmpty()) {
        throw Failures.of(FailureType.NO_VALID_BACKUP, "no archive in " + archives.dir());
      }
      return all.get(all.size() - 1);
    }
    String archive = checkedId(backupId);
    if (!archives.exists(archive)) {
      throw Failures.of(FailureType.BACKUP_NOT_FOUND, "no archive " + archive + " in "
          + archives.dir());
    }
    return archive;
  }

  static Manifest manifest(ArchiveDirectory archives, String archive)
      throws InterruptedException {
    try {
      return archives.manifest(archive);
    } catch (IOException e) {
      throw Failures.of(FailureType.BACKUP_NOT_VALID, "archive " + archive + ": "
          + e.getMessage() + "; nothing was changed");
    }
  }

  /** The tables a restore names (null = every table of the archive), as the manifest has them. */
  static List<String> chosenTables(Manifest manifest, String archive, List<String> asked) {
    if (asked == null) {
      return manifest.tableNames();
    }
    List<String> tables;
    try {
      tables = TableNames.parseAll(asked);
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage() + "; nothing was changed");
    }
    List<String> missing = tables.stream().filter(t -> manifest.table(t).isEmpty()).toList();
    if (!missing.isEmpty()) {
      throw Failures.of(FailureType.INVALID_REQUEST, "table(s) " + String.join(", ", missing)
          + " not in archive " + archive + " (it holds " + String.join(", ",
              manifest.tableNames()) + "); nothing was changed");
    }
    return tables;
  }

  /**
   * The database answers, every table exists, the archive directory is writable and the name is
   * free (or this job's own archive). Reads only.
   */
  @Override
  public BackupPlan planBackup(HostStep step, BackupInput input) {
    return TableBackups.plan(step, input);
  }

  /** One snapshot of the tables into a checked archive under its promised name. */
  @Override
  public TakenBackup takeBackup(HostStep step, BackupInput input) {
    return TableBackups.take(step, input);
  }

  @Override
  public StepResult verifyBackup(HostStep step, BackupInput input, String backupId) {
    return TableBackups.verify(step, input, backupId);
  }

  @Override
  public InstanceCatalog catalog(HostStep step) {
    return ArchiveCatalog.read(step);
  }

  @Override
  public RestoreTarget describeTarget(HostStep step) {
    MysqlTablesConfig config = step.instance().settings(MysqlTablesConfig.class);
    try (Connection connection = Connection.open(step);
        SqlSession session = session(connection)) {
      // the tables, so that a gateway can refuse a backup of one that is not there
      List<String> tables = LiveTables.all(session, config.database());
      return new RestoreTarget(step.host(), config.where() + " (chosen tables only)", true,
          RestoreTarget.UNKNOWN_SIZE, RestoreTarget.UNKNOWN_CONNECTIONS, null, tables);
    } catch (IOException | RuntimeException e) {
      return RestoreTarget.unread(step.host(), config.where(), "the database does not answer: "
          + e.getMessage());
    }
  }

  @Override
  public String deleteBackup(HostStep step, String backupId) {
    ArchiveDirectory archives = new ArchiveDirectory(
        step.instance().settings(MysqlTablesConfig.class));
    try {
      archives.delete(checkedId(backupId));
      return "deleted " + archives.archive(backupId);
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "deleting archive " + backupId + ": "
          + e.getMessage());
    }
  }

  @Override
  public Object restoreStepActivities(HostServices services) {
    return new MysqlTablesActivitiesImpl(services);
  }

  /** The scratch database of a clone or drill ({@code step.scratch()} set), checked. */
  static ScratchSchema scratchOf(HostStep step, MysqlTablesConfig config) {
    String database = step.scratch().database();
    if (database == null) {
      throw Failures.of(FailureType.INVALID_REQUEST, "the clone's or drill's target names no"
          + " scratch database: set instances." + step.instanceName() + ".scratch.database or"
          + " the request's into.database");
    }
    try {
      return ScratchSchema.of(database, config);
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage() + "; nothing was changed");
    }
  }

  private static ScratchSchema requireScratch(HostStep step, MysqlTablesConfig config,
      String stepName) {
    if (step.scratch() == null) {
      throw Failures.of(FailureType.INVALID_REQUEST, stepName + " works only on a clone's or"
          + " drill's scratch target (into); the instance's own database is never dropped");
    }
    return scratchOf(step, config);
  }

  /**
   * ProveRestore: {@code CHECK TABLE ... EXTENDED} on each restored table of the scratch database,
   * then its rows and checksum against the archive's manifest; VERIFY_FAILED, not retried, naming
   * the table.
   */
  @Override
  public StepResult proveRestore(HostStep step, EngineRestoreInput input) {
    return ScratchProof.prove(step, input);
  }

  /**
   * RemoveScratch: drops the scratch database when it is ours; nothing when it is gone; a
   * database of that name that is not ours is left alone, and said so.
   */
  @Override
  public String removeScratch(HostStep step) {
    MysqlTablesConfig config = step.instance().settings(MysqlTablesConfig.class);
    ScratchSchema into = requireScratch(step, config, Steps.REMOVE_SCRATCH);
    try (Connection connection = Connection.open(step);
        SqlSession session = session(connection)) {
      return switch (into.state(session)) {
        case ABSENT -> "scratch database " + into.name() + " is gone already: nothing to remove";
        case OTHER -> "database " + into.name() + " is not restoreflow's scratch database: left"
            + " alone";
        case OURS -> {
          session.execute("DROP DATABASE IF EXISTS " + into.quoted(), LiveTables.QUICK);
          yield "dropped scratch database " + into.name();
        }
      };
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, Steps.REMOVE_SCRATCH + ": " + e.getMessage());
    }
  }

  /** Each table's row count as the archive's manifest recorded it. */
  @Override
  public java.util.Map<String, Long> backupFigures(HostStep step, String backupId) {
    ArchiveDirectory archives = new ArchiveDirectory(
        step.instance().settings(MysqlTablesConfig.class));
    try {
      java.util.Map<String, Long> figures = new java.util.LinkedHashMap<>();
      for (Manifest.TableFacts table : manifest(archives, checkedId(backupId)).tables()) {
        figures.put(table.name(), table.rows());
      }
      return figures;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, "reading archive " + backupId
          + ": interrupted");
    }
  }

  static ScratchSchema proofTarget(HostStep step, MysqlTablesConfig config) {
    return requireScratch(step, config, Steps.PROVE);
  }

  static String checkedId(String backupId) {
    try {
      return ArchiveNames.check(backupId);
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.BAD_BACKUP_ID, e.getMessage());
    }
  }

  /**
   * The database answers, and no foreign key involves the tables: the swap renames tables, and
   * references would follow the former ones (NOT_SUPPORTED, nothing changed).
   */
  static void requireNoForeignKeys(Connection connection, List<String> tables) {
    List<String> keys;
    try (SqlSession session = session(connection)) {
      keys = LiveTables.foreignKeys(session, connection.config.database(), tables);
    } catch (IOException e) {
      throw notReady(connection.config, e);
    }
    if (!keys.isEmpty()) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "foreign keys involve the tables ("
          + String.join("; ", keys) + "): the swap by RENAME TABLE would leave them pointing at"
          + " the former tables; restore these tables by hand; nothing was changed");
    }
  }

  /** The database answers (CLUSTER_NOT_READY, retried, when it does not). */
  static void requireDatabase(Connection connection) {
    try (SqlSession session = session(connection)) {
      session.query("SELECT 1", LiveTables.QUICK);
    } catch (IOException e) {
      throw notReady(connection.config, e);
    }
  }

  static SqlSession session(Connection connection) {
    try {
      return connection.session();
    } catch (IOException e) {
      throw Failures.of(FailureType.TOOL_MISSING, "cannot run " + connection.config.tool(
          "mariadb") + ": " + e.getMessage());
    }
  }

  static RuntimeException notReady(MysqlTablesConfig config, IOException e) {
    return Failures.of(FailureType.CLUSTER_NOT_READY, config.where() + " does not answer ("
        + e.getMessage() + "); the mysqltables engine needs the server running");
  }
}
