package dev.restoreflow.activities.pgdump;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreflow.activities.BackupSizeWords;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.WordsAndBytes;
import dev.restoreflow.activities.config.EngineSettings;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.engine.SettingsSection;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.retention.BackupTypeDecision;
import dev.restoreflow.activities.retention.CatalogFacts;
import dev.restoreflow.activities.retention.Requested;
import dev.restoreflow.activities.retention.Thresholds;
import dev.restoreflow.activities.storage.ObjectStores;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Sizes;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.BackupInput;
import dev.restoreflow.workflows.model.BackupPlan;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.RestorePlan;
import dev.restoreflow.workflows.model.RestoreTarget;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.TakenBackup;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * pg_dump: logical backups of one database in an object store, full or incremental (the schema
 * and the data of the tables whose content changed), restored into a new database that replaces
 * the old one once proven. The cluster is never stopped.
 */
public final class PgDumpEngine implements Engine {

  public static final String NAME = "pgdump";
  static final List<String> TYPES = List.of("auto", "full", "incremental");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EngineSettings checkSettings(String key, String name, InstanceConfig instance,
      JsonNode section) {
    return PgDumpSettings.check(key, instance,
        SettingsSection.read(key, section, PgDumpConfig.class));
  }

  /** A clone or drill restores into a scratch database of the instance's own server. */
  @Override
  public boolean restoresIntoScratchDatabase() {
    return true;
  }

  @Override
  public String normalizeBackupId(String backupId) {
    return PgDumpLayout.checkId(backupId);
  }

  @Override
  public boolean restoresIncrementally() {
    return false;
  }

  @Override
  public List<String> backupTypes() {
    return TYPES;
  }

  @Override
  public List<String> compressions() {
    return List.of();
  }

  @Override
  public boolean namesBackups() {
    return true;
  }

  @Override
  public boolean restoresTables() {
    return true;
  }

  /** The cluster stays up: no StopCluster, WipeData, StartCluster or Promote. */
  @Override
  public List<PlannedStep> restoreSteps(boolean incremental, boolean full) {
    return List.of(PlannedStep.run(Steps.PLAN), PlannedStep.run(PgDumpActivities.RESTORE_STEP),
        PlannedStep.run(Steps.VERIFY));
  }

  /** A dump is restored through the server: no data directory to make room for. */
  @Override
  public boolean checksRoom() {
    return false;
  }

  /**
   * The backup, its chain, and each dump's size checked against its meta.json. With tables:
   * each is in the backup, the live database exists and nothing else there holds on to them;
   * only the dumps that hold their data are read. For a clone or drill ({@code into}): each
   * scratch database it would build is free, or a leftover scratch database of ours.
   */
  @Override
  public RestorePlan planRestore(HostStep step, PlanInput input, RoomCheck room) {
    PgDumpConfig config = step.instance().settings(PgDumpConfig.class);
    DatabaseClient client = DatabaseClient.of(step);
    requireDatabase(step, client, input.tables() == null ? "template1" : config.database());
    if (input.recoveryTarget() != null && !input.recoveryTarget().isEmpty()) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "a logical backup restores to the moment of"
          + " its dump; a recovery target needs a physical engine");
    }
    try (DumpRepository repository = repository(step)) {
      List<DumpMeta> backups = repository.backups();
      DumpMeta meta = input.backupId() == null
          ? backups.stream().reduce((a, b) -> b).orElseThrow(() -> Failures.of(
              FailureType.NO_VALID_BACKUP, "no pgdump backup of " + step.instanceName() + " in "
                  + repository.store().describe() + "; take one with restoreflow backup"))
          : repository.backup(checkedId(input.backupId())).orElseThrow(() -> Failures.of(
              FailureType.BACKUP_NOT_FOUND, "no backup " + input.backupId() + " in "
                  + repository.store().describe() + "; see restoreflow backups --instance "
                  + step.instanceName()));
      List<DumpMeta> chain = repository.chain(meta);
      List<DumpMeta> read = chain;
      String mode = meta.type();
      boolean scratch = step.scratch() != null;
      if (scratch) {
        List<String> names = checkScratch(client, scratchOf(step, input.tables()), meta);
        mode = meta.type() + "; into scratch database" + (names.size() == 1 ? " " : "s ")
            + String.join(", ", names) + " (built anew; owners and privileges not restored"
            + (meta.allDatabases() ? ", the globals checked, not applied" : "")
            + "); the instance's databases are not touched";
      } else if (input.tables() != null) {
        List<TableState> chosen = chosenTables(meta, input.tables());
        checkLiveTables(client, config.database(), chosen);
        read = TableRestorer.needed(chain, meta, chosen);
        mode = meta.type() + "; tables " + String.join(", ", chosen.stream()
            .map(t -> t.schema() + "." + t.table()).toList()) + " into the live database";
      }
      long bytes = 0;
      for (DumpMeta backup : read) {
        for (DumpMeta part : backup.parts()) {
          bytes += checkedSize(repository, part.id(), part.dumpKey(), part.bytes(), "dump"
              + (backup.allDatabases() ? " of database " + part.database() : ""));
        }
      }
      if (meta.allDatabases()) {
        bytes += checkedSize(repository, meta.id(), meta.globalsKey(), meta.globals().bytes(),
            "globals file");
      }
      if (meta.allDatabases() && !scratch) {
        mode = meta.type() + "; every database (" + String.join(", ", meta.parts().stream()
            .map(DumpMeta::database).toList()) + ") and the globals (" + meta.globals().roles()
            + " roles); databases not in the backup are left as they are";
      }
      long available = stagingRoom(config, meta.id(), bytes);
      return new RestorePlan(step.instanceName(), step.host(), NAME, meta.id(), mode,
          meta.endTime(), chain.stream().map(DumpMeta::id).toList(), bytes, available,
          step.instance().pgdata(), restoreSteps(false, false));
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "reading the pgdump repository: "
          + e.getMessage());
    }
  }

  /**
   * The scratch place of a clone or drill ({@code step.scratch()} set), checked: whole backups
   * only, a scratch database name that is none of the instance's.
   */
  static ScratchDatabases scratchOf(HostStep step, List<String> tables) {
    if (tables != null) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "a clone or drill restores the whole backup"
          + " into its scratch database; tables are restored only into the live database");
    }
    String database = step.scratch().database();
    if (database == null) {
      throw Failures.of(FailureType.INVALID_REQUEST, "the clone's or drill's target names no"
          + " scratch database: set instances." + step.instanceName() + ".scratch.database or"
          + " the request's into.database");
    }
    try {
      return ScratchDatabases.of(database, step.instance().settings(PgDumpConfig.class));
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage() + "; nothing was changed");
    }
  }

  /** The scratch step's place; INVALID_REQUEST on the instance itself. */
  private static ScratchDatabases requireScratch(HostStep step, String stepName) {
    if (step.scratch() == null) {
      throw Failures.of(FailureType.INVALID_REQUEST, stepName + " works only on a clone's or"
          + " drill's scratch target (into); the instance's own databases are never dropped");
    }
    return scratchOf(step, null);
  }

  /** The scratch databases a restore of {@code meta} builds: each free, or ours. Reads only. */
  private static List<String> checkScratch(DatabaseClient client, ScratchDatabases into,
      DumpMeta meta) {
    List<String> names;
    try {
      names = into.names(meta);
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage() + "; nothing was changed");
    }
    try (PsqlSession template1 = PsqlSession.open(client, "template1")) {
      into.requireFreeOrOurs(template1, names);
    } catch (ScratchDatabases.NotOursException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage() + "; nothing was changed");
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, "reading the databases on " + client.where()
          + ": " + e.getMessage());
    }
    return names;
  }

  /**
   * ProveRestore: amcheck on every B-tree index of each scratch database and every table's row
   * count against the backup's figures (see {@link ScratchProof}); VERIFY_FAILED, not retried,
   * naming the index or table that is wrong.
   */
  @Override
  public StepResult proveRestore(HostStep step, EngineRestoreInput input) {
    long started = System.currentTimeMillis();
    ScratchDatabases into = requireScratch(step, Steps.PROVE);
    AtomicReference<String> progress = new AtomicReference<>("starting");
    try (DumpRepository repository = repository(step);
        dev.restoreflow.activities.Heartbeats beats =
            dev.restoreflow.activities.Heartbeats.start(progress::get)) {
      String id = checkedId(input.backupId());
      DumpMeta meta = repository.backup(id).orElseThrow(() -> Failures.of(
          FailureType.BACKUP_NOT_FOUND, "backup " + id + " is no longer in "
              + repository.store().describe()));
      String detail;
      try {
        detail = new ScratchProof(DatabaseClient.of(step), progress::set).prove(meta, into);
      } catch (IOException | RuntimeException e) {
        beats.rethrowIfStopped();
        throw e;
      }
      return new StepResult(Steps.PROVE, started, System.currentTimeMillis(), detail);
    } catch (ScratchProof.DamagedException e) {
      throw Failures.notRetried(FailureType.VERIFY_FAILED, Steps.PROVE + ": " + e.getMessage());
    } catch (ScratchProof.AmcheckMissingException e) {
      throw Failures.of(FailureType.TOOL_MISSING, Steps.PROVE + ": " + e.getMessage());
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, Steps.PROVE + ": " + e.getMessage());
    }
  }

  /**
   * RemoveScratch: drops every scratch database of the place (those marked as ours); a database
   * of the scratch name that is not ours is left alone and said so. Nothing when all are gone.
   */
  @Override
  public String removeScratch(HostStep step) {
    ScratchDatabases into = requireScratch(step, Steps.REMOVE_SCRATCH);
    DatabaseClient client = DatabaseClient.of(step);
    try (PsqlSession template1 = PsqlSession.open(client, "template1")) {
      List<String> ours = into.existing(template1);
      for (String database : ours) {
        template1.query("DROP DATABASE IF EXISTS " + PgTools.quote(database) + " WITH (FORCE);");
      }
      String other = into.takenByOther(template1) ? "; database " + into.scratch() + " is not"
          + " restoreflow's and was left alone" : "";
      return (ours.isEmpty() ? "no scratch database of " + into.scratch() + " left: nothing"
          + " to remove" : "dropped scratch database" + (ours.size() == 1 ? " " : "s ")
          + String.join(", ", ours)) + other;
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, Steps.REMOVE_SCRATCH + ": "
          + e.getMessage());
    }
  }

  /**
   * The row count of every table as {@code backupId}'s meta.json recorded it: {@code
   * "schema"."table"} for one database, {@code database/"schema"."table"} for every database.
   */
  @Override
  public java.util.Map<String, Long> backupFigures(HostStep step, String backupId) {
    try (DumpRepository repository = repository(step)) {
      String id = checkedId(backupId);
      return ScratchProof.figures(repository.backup(id).orElseThrow(() -> Failures.of(
          FailureType.BACKUP_NOT_FOUND, "no backup " + id + " in "
              + repository.store().describe())));
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "reading the pgdump repository: "
          + e.getMessage());
    }
  }

  /**
   * The bytes the staging directory's file system has for the dumps a restore downloads (+5%),
   * or INSUFFICIENT_DISK. The physical engines' check (the data directory's file system, counting
   * what the restore replaces) does not fit: a logical restore keeps the old database.
   */
  private static long stagingRoom(PgDumpConfig config, String backupId, long need)
      throws IOException {
    java.nio.file.Path staging = java.nio.file.Path.of(config.stagingDir());
    java.nio.file.Files.createDirectories(staging);
    long free = java.nio.file.Files.getFileStore(staging).getUsableSpace();
    if (need * 1.05 > free) {
      throw Failures.of(FailureType.INSUFFICIENT_DISK, String.format("backup %s's dumps need"
          + " about %s (+5%%) in the staging directory %s, which has %s free; free some"
          + " space or set the pgdump block's stagingDir to a larger file system", backupId,
          Sizes.human(need), staging, Sizes.human(free)));
    }
    return free;
  }

  /** The object's size is the one meta.json records. */
  private static long checkedSize(DumpRepository repository, String id, String key,
      long recorded, String what) throws IOException {
    long size = repository.store().stat(key).orElseThrow(() -> Failures.of(
        FailureType.BACKUP_NOT_VALID, "backup " + id + " has no " + what
            + " (deleted by hand?)")).size();
    if (size != recorded) {
      throw Failures.of(FailureType.OBJECT_CORRUPT, "backup " + id + "'s " + what + " is "
          + size + " bytes, its meta.json says " + recorded);
    }
    return size;
  }

  /** Nothing in the live database holds on to the tables (reads only). */
  private static void checkLiveTables(DatabaseClient client, String database,
      List<TableState> chosen) {
    try (PsqlSession session = PsqlSession.open(client, database)) {
      LiveTables.check(session, chosen);
    } catch (LiveTables.InTheWayException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage() + "; nothing was changed");
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, "reading database " + database + " on "
          + client.where() + ": " + e.getMessage());
    }
  }

  /** The tables a restore names, as the backup has them; INVALID_REQUEST for any other. */
  static List<TableState> chosenTables(DumpMeta backup, List<String> names) {
    if (backup.allDatabases()) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "backup " + backup.id() + " holds every"
          + " database: restoring some of its tables is not supported; restore the whole backup"
          + " (each database is swapped in only once proven), or take a backup of the one"
          + " database with an instance whose pgdump block names it");
    }
    try {
      return TableSelection.of(backup, names);
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage() + "; nothing was changed");
    }
  }

  /**
   * The cluster runs, the repository answers, and the type the backup will be, and why; a name
   * that exists (without force), or a replacement that the backups there refuse, fails here,
   * before anything is written.
   */
  @Override
  public BackupPlan planBackup(HostStep step, BackupInput input) {
    PgDumpConfig config = step.instance().settings(PgDumpConfig.class);
    DatabaseClient client = DatabaseClient.of(step);
    requireDatabase(step, client, config.allDatabases() ? "template1" : config.database());
    String what = config.allDatabases() ? "every database (" + String.join(", ",
        clusterDatabases(client, config)) + ") and the globals" : "database " + config.database();
    try (DumpRepository repository = repository(step)) {
      DumpSlot slot = slot(repository.backups(), input, step);
      if (slot.done().isPresent()) {
        return new BackupPlan(step.instanceName(), step.host(), NAME, slot.done().get().type(),
            slot.done().get().parentId(), "backup " + input.name() + " was taken by this job");
      }
      BackupTypeDecision decision = DumpDecisions.decide(slot.candidates(), config,
          input.type() == null ? "auto" : input.type(), Clock.systemUTC().instant());
      String type = decision.type().name().toLowerCase(java.util.Locale.ROOT);
      return new BackupPlan(step.instanceName(), step.host(), NAME, type, decision.parentId(),
          type + " dump of " + what + " into "
              + repository.store().describe() + named(input, slot) + ": " + decision.reason()
              + slot.where());
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "reading the pgdump repository: "
          + e.getMessage());
    }
  }

  /** The databases an every-database backup would dump now; CONFIG_ERROR for a bad name. */
  private static List<String> clusterDatabases(DatabaseClient client, PgDumpConfig config) {
    try (PsqlSession session = PsqlSession.open(client, "template1")) {
      return ClusterDatabases.list(session, config);
    } catch (ClusterDatabases.UnsupportedDatabaseException e) {
      throw Failures.of(FailureType.CONFIG_ERROR, e.getMessage() + "; nothing was written");
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, "listing the databases on " + client.where()
          + ": " + e.getMessage());
    }
  }

  private static DumpSlot slot(List<DumpMeta> backups, BackupInput input, HostStep step) {
    try {
      return DumpSlot.of(backups, input.name(), input.dir(), input.forced(), step.jobId());
    } catch (DumpSlot.RefusedException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage() + "; nothing was written");
    }
  }

  private static String named(BackupInput input, DumpSlot slot) {
    return (input.name() == null ? "" : " as " + input.name())
        + (input.dir() == null ? "" : " in dir " + input.dir())
        + slot.replaced().map(old -> ", replacing the " + old.type() + " backup of that name"
            + " from " + old.endTime()).orElse("");
  }

  @Override
  public TakenBackup takeBackup(HostStep step, BackupInput input) {
    long started = System.currentTimeMillis();
    AtomicReference<String> progress = new AtomicReference<>("starting");
    AtomicReference<DumpTaker> taker = new AtomicReference<>();
    // bytes stored so far, with no total: pg_dump's compressed output has no known ratio to the
    // database's size, so the CLI shows the count and its rate, not an invented percent
    try (DumpRepository repository = repository(step);
        dev.restoreflow.activities.Heartbeats beats =
            dev.restoreflow.activities.Heartbeats.start(() -> WordsAndBytes.of(progress.get(),
                taker.get() == null ? 0 : taker.get().bytesStored(), 0))) {
      DumpMeta meta;
      try {
        taker.set(new DumpTaker(repository, DatabaseClient.of(step), step.instance(),
            Clock.systemUTC()));
        meta = taker.get().take(new DumpTaker.Options(input.type(), input.name(),
                input.dir(), input.forced(), step.jobId()), id -> progress.set("backup " + id),
            progress::set);
      } catch (Exception e) {
        // cancelled meanwhile (e.g. while a transfer cut short failed): the attempt ends as
        // cancelled, not as a failure Temporal would retry until its attempts run out
        beats.rethrowIfStopped();
        throw e;
      }
      List<String> dropped = meta.parts().stream().flatMap(p -> p.droppedTables().stream())
          .toList();
      return new TakenBackup(meta.id(), meta.type(), meta.bytes(), started,
          System.currentTimeMillis(), meta.type() + " dump " + meta.id() + " of "
              + meta.describeDatabases() + (meta.dir() == null ? "" : " in dir " + meta.dir())
              + ": " + BackupSizeWords.of(meta.bytes()) + ", " + meta.dumpedTableCount()
              + " of " + meta.tableCount() + " tables' data, " + meta.rows() + " rows in all"
              + (dropped.isEmpty() ? "" : ", dropped since its parent: " + dropped) + "; "
              + meta.reason());
    } catch (DumpSlot.RefusedException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, "TakeBackup: " + e.getMessage()
          + "; nothing was written");
    } catch (ClusterDatabases.UnsupportedDatabaseException e) {
      throw Failures.of(FailureType.CONFIG_ERROR, "TakeBackup: " + e.getMessage());
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, "TakeBackup: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, "TakeBackup: interrupted");
    }
  }

  /**
   * Each stored dump's SHA-256 is the one recorded, and pg_restore reads its table of contents;
   * an every-database backup's globals file too has its recorded SHA-256 and parses.
   */
  @Override
  public StepResult verifyBackup(HostStep step, BackupInput input, String backupId) {
    long started = System.currentTimeMillis();
    try (DumpRepository repository = repository(step)) {
      DumpMeta meta = repository.backup(checkedId(backupId)).orElseThrow(() -> Failures.of(
          FailureType.BACKUP_NOT_FOUND, "backup " + backupId + " has no meta.json"));
      DatabaseClient client = DatabaseClient.of(step);
      long bytes = 0;
      for (DumpMeta part : meta.parts()) {
        bytes += verifyDump(repository, client, part, meta.allDatabases()
            ? " of database " + part.database() : "");
      }
      if (meta.allDatabases()) {
        byte[] json = repository.store().readRange(meta.globalsKey(), 0, meta.globals().bytes());
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(json));
        if (json.length != meta.globals().bytes() || !actual.equals(meta.globals().sha256())) {
          throw Failures.of(FailureType.BACKUP_NOT_VALID, "backup " + backupId + "'s globals"
              + " file reads " + json.length + " bytes with SHA-256 " + actual + ", not the "
              + meta.globals().bytes() + " bytes, " + meta.globals().sha256()
              + " it was stored with");
        }
        ClusterGlobals.parse(json);
        bytes += json.length;
      }
      return new StepResult(Steps.VERIFY_BACKUP, started, System.currentTimeMillis(),
          "backup " + backupId + " verified: " + Sizes.human(bytes) + " with the recorded SHA-256,"
              + (meta.allDatabases() ? " " + meta.parts().size() + " dumps'" : "")
              + " table of contents readable by pg_restore"
              + (meta.allDatabases() ? ", globals readable" : ""));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "VerifyBackup: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, "VerifyBackup: interrupted");
    }
  }

  /** @return the dump's size, once its SHA-256 and table of contents are as recorded */
  private static long verifyDump(DumpRepository repository, DatabaseClient client, DumpMeta dump,
      String what) throws IOException, InterruptedException, NoSuchAlgorithmException {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    Process list = client.start(client.argv("pg_restore", List.of("-l")));
    long bytes;
    try (InputStream in = new DigestInputStream(repository.store().read(dump.dumpKey(), 0,
        dump.bytes()), sha256); var toc = list.getOutputStream()) {
      Thread reader = new Thread(() -> drain(list.getInputStream()), "pg_restore-list");
      reader.start();
      bytes = in.transferTo(toc);
    }
    int exit = list.waitFor();
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (bytes != dump.bytes() || !actual.equals(dump.sha256())) {
      throw Failures.of(FailureType.BACKUP_NOT_VALID, "backup " + dump.id() + "'s dump" + what
          + " reads " + bytes + " bytes with SHA-256 " + actual + ", not the " + dump.bytes()
          + " bytes, " + dump.sha256() + " it was stored with");
    }
    if (exit != 0) {
      throw Failures.of(FailureType.BACKUP_NOT_VALID, "pg_restore cannot read backup "
          + dump.id() + "'s table of contents" + what + " (exit " + exit + ")");
    }
    return bytes;
  }

  @Override
  public RestoreTarget describeTarget(HostStep step) {
    return DatabaseTarget.read(step);
  }

  @Override
  public InstanceCatalog catalog(HostStep step) {
    try (DumpRepository repository = repository(step)) {
      List<DumpMeta> backups = repository.backups();
      List<CatalogBackup> listed = backups.stream().map(m -> new CatalogBackup(
          step.instanceName(), NAME, m.id(), m.type(), CatalogBackup.OK, m.startTime(),
          m.endTime(), 0, m.bytes(), m.parentId(), chainIds(backups, m), null, null, m.dir()))
          .toList();
      String from = backups.isEmpty() ? null : backups.get(0).endTime();
      String to = backups.isEmpty() ? null : backups.get(backups.size() - 1).endTime();
      return new InstanceCatalog(step.instanceName(), NAME, listed, from, to, null,
          "logical dumps of " + (step.instance().settings(PgDumpConfig.class).allDatabases()
              ? "every database and the globals" : "database "
              + step.instance().settings(PgDumpConfig.class).database())
              + ": each restores to the moment of its dump");
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "reading the pgdump repository: "
          + e.getMessage());
    }
  }

  /**
   * PostgreSQL answers where pg_dump and pg_restore will reach it, in {@code database} (a backup:
   * the instance's database, which must exist) or {@code template1} (a restore, which may bring
   * back a database that was dropped).
   */
  private static void requireDatabase(HostStep step, DatabaseClient client, String database) {
    try {
      Process psql = client.start(client.connected("psql", database, List.of("-X", "-A", "-t",
          "-q", "-c", "select 1")));
      psql.getOutputStream().close();
      String errors = new String(psql.getErrorStream().readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8).strip();
      if (!psql.waitFor(2, java.util.concurrent.TimeUnit.MINUTES) || psql.exitValue() != 0) {
        psql.destroyForcibly();
        if (errors.contains("database \"" + database + "\" does not exist")) {
          throw Failures.of(FailureType.CONFIG_ERROR, "database " + database + " does not exist"
              + " on " + client.where() + "; check instances." + step.instanceName()
              + ".pgdump.database (or the instance's database)");
        }
        throw Failures.of(FailureType.CLUSTER_NOT_READY, "PostgreSQL does not answer on "
            + client.where() + " (" + (errors.isEmpty() ? "no message" : errors) + "); the"
            + " pgdump engine needs the cluster running to dump or restore");
      }
    } catch (IOException e) {
      throw Failures.of(FailureType.TOOL_MISSING, "cannot run psql on " + client.where() + ": "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, "interrupted");
    }
  }

  private static List<String> chainIds(List<DumpMeta> backups, DumpMeta meta) {
    java.util.LinkedList<String> chain = new java.util.LinkedList<>();
    DumpMeta at = meta;
    while (at != null && chain.size() <= backups.size()) {
      chain.addFirst(at.id());
      String parent = at.parentId();
      at = parent == null ? null
          : backups.stream().filter(b -> b.id().equals(parent)).findFirst().orElse(null);
    }
    return List.copyOf(chain);
  }

  @Override
  public String nextBackup(InstanceConfig instance, InstanceCatalog catalog, Instant now) {
    PgDumpConfig config = instance.settings(PgDumpConfig.class);
    BackupTypeDecision decision = BackupTypeDecision.decide(CatalogFacts.of(catalog), now,
        new Thresholds(config.maxFullAgeDays(), config.maxIncrementals()), Requested.auto());
    return decision.type().name().toLowerCase(java.util.Locale.ROOT) + ": " + decision.reason();
  }

  @Override
  public String deleteBackup(HostStep step, String backupId) {
    try (DumpRepository repository = repository(step)) {
      repository.delete(checkedId(backupId));
      return "deleted " + backupId;
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "deleting backup " + backupId + ": "
          + e.getMessage());
    }
  }

  @Override
  public Object restoreStepActivities(HostServices services) {
    return new PgDumpActivitiesImpl(services);
  }

  static DumpRepository repository(HostStep step) {
    return new DumpRepository(ObjectStores.open(step.instance().settings(PgDumpConfig.class),
        step.services().environment()), step.instanceName());
  }

  static String checkedId(String backupId) {
    try {
      return PgDumpLayout.checkId(backupId);
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.BAD_BACKUP_ID, e.getMessage());
    }
  }

  private static void drain(InputStream in) {
    try (in) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException ignored) {
      // pg_restore ended
    }
  }
}
