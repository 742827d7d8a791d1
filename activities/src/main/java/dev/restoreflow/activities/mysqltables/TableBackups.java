package dev.restoreflow.activities.mysqltables;

import static dev.restoreflow.activities.mysqltables.MysqlTablesEngine.FULL;
import static dev.restoreflow.activities.mysqltables.MysqlTablesEngine.NAME;

import dev.restoreflow.activities.BackupSizeWords;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.WordsAndBytes;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.BackupInput;
import dev.restoreflow.workflows.model.BackupPlan;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.TakenBackup;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** PlanBackup, TakeBackup and VerifyBackup of engine mysqltables. */
final class TableBackups {

  private TableBackups() {}

  /**
   * The database answers, every table exists, the archive directory is writable and the name is
   * free (or this job's own archive). Reads only.
   */
  static BackupPlan plan(HostStep step, BackupInput input) {
    List<String> tables = backupTables(input);
    try (Connection connection = Connection.open(step)) {
      ArchiveDirectory archives = connection.archives;
      if (!Files.isDirectory(archives.dir()) || !Files.isWritable(archives.dir())) {
        throw Failures.of(FailureType.CONFIG_ERROR, "archive directory " + archives.dir()
            + " (instances." + step.instanceName() + ".mysqltables.archiveDir) is not a"
            + " writable directory; nothing was written");
      }
      List<String> missing;
      try (SqlSession session = MysqlTablesEngine.session(connection)) {
        missing = LiveTables.missing(session, connection.config.database(), tables);
      } catch (IOException e) {
        throw MysqlTablesEngine.notReady(connection.config, e);
      }
      if (!missing.isEmpty()) {
        throw Failures.of(FailureType.INVALID_REQUEST, "table(s) " + String.join(", ", missing)
            + " not in " + connection.config.where() + "; nothing was written");
      }
      Optional<Manifest> done = doneByThisJob(archives, input.name(), step.jobId());
      if (done.isPresent()) {
        return new BackupPlan(step.instanceName(), step.host(), NAME, FULL, null, "archive "
            + done.get().archive() + " was made by this job");
      }
      if (input.name() != null && archives.exists(input.name())) {
        throw Failures.of(FailureType.INVALID_REQUEST, "archive " + input.name() + " exists"
            + " already in " + archives.dir() + "; nothing was written");
      }
      return new BackupPlan(step.instanceName(), step.host(), NAME, FULL, null, "dump of tables "
          + String.join(", ", tables) + " of " + connection.config.where()
          + " from one snapshot into " + archives.dir() + "/" + (input.name() != null
              ? input.name() : "<start time>-backup.7z"));
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, Steps.PLAN_BACKUP + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, Steps.PLAN_BACKUP + ": interrupted");
    }
  }

  /** The request's tables and name as this engine takes them (the input is anyone's JSON). */
  private static List<String> backupTables(BackupInput input) {
    if (input.dir() != null || input.forced()) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "engine mysqltables keeps every archive in"
          + " its archive directory under a new name: drop dir and force; nothing was written");
    }
    try {
      if (input.name() != null) {
        ArchiveNames.check(input.name());
      }
      return TableNames.parseAll(input.tables());
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage() + "; nothing was written");
    }
  }

  /**
   * The archive an earlier attempt of this job made: the one of the request's name, or (no
   * name) the newest, if its manifest names this job. Jobs of a host run one at a time.
   */
  private static Optional<Manifest> doneByThisJob(ArchiveDirectory archives, String name,
      String jobId) throws IOException, InterruptedException {
    String candidate = name;
    if (candidate == null) {
      List<String> all = archives.archives();
      candidate = all.isEmpty() ? null : all.get(all.size() - 1);
    }
    if (candidate == null || !archives.exists(candidate)) {
      return Optional.empty();
    }
    try {
      Manifest manifest = archives.manifest(candidate);
      return jobId.equals(manifest.jobId()) ? Optional.of(manifest) : Optional.empty();
    } catch (IOException unreadable) {
      return Optional.empty();
    }
  }

  static TakenBackup take(HostStep step, BackupInput input) {
    long started = System.currentTimeMillis();
    List<String> tables = backupTables(input);
    AtomicReference<String> progress = new AtomicReference<>("starting");
    AtomicReference<SnapshotDump> dump = new AtomicReference<>();
    try (Connection connection = Connection.open(step);
        Heartbeats beats = Heartbeats.start(() -> WordsAndBytes.of(progress.get(),
            dump.get() == null ? 0 : dump.get().bytesDumped(), 0))) {
      ArchiveDirectory archives = connection.archives;
      List<String> cleared = archives.clearPartials();
      Optional<Manifest> done = doneByThisJob(archives, input.name(), step.jobId());
      if (done.isPresent()) {
        return taken(archives, done.get(), started, "made by an earlier attempt of this job");
      }
      String name = input.name() != null ? input.name() : freeName(archives);
      if (archives.exists(name)) {
        throw Failures.of(FailureType.INVALID_REQUEST, "archive " + name + " exists already in "
            + archives.dir() + "; nothing was written");
      }
      progress.set("archive " + name);
      Manifest manifest;
      try {
        dump.set(new SnapshotDump(connection.config, connection.options, archives,
            Clock.systemUTC()));
        manifest = dump.get().take(name, tables, step.jobId(), progress::set);
      } catch (IOException | RuntimeException e) {
        beats.rethrowIfStopped();
        throw e;
      }
      return taken(archives, manifest, started, cleared.isEmpty() ? "" : "cleared "
          + String.join(", ", cleared) + " left by an earlier attempt");
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, Steps.TAKE_BACKUP + ": " + e.getMessage()
          + "; no archive was written under the promised name");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, Steps.TAKE_BACKUP + ": interrupted");
    }
  }

  /** The start time's name; the next free second when a backup of this second exists. */
  private static String freeName(ArchiveDirectory archives) {
    Instant now = Clock.systemUTC().instant();
    for (int second = 0; second < 60; second++) {
      String name = ArchiveNames.of(now.plusSeconds(second));
      if (!archives.exists(name)) {
        return name;
      }
    }
    throw Failures.of(FailureType.INVALID_REQUEST, "no free archive name in the next minute");
  }

  private static TakenBackup taken(ArchiveDirectory archives, Manifest manifest, long started,
      String note) throws IOException {
    long bytes = Files.size(archives.archive(manifest.archive()));
    return new TakenBackup(manifest.archive(), FULL, bytes, started, System.currentTimeMillis(),
        "archive " + archives.dir().resolve(manifest.archive()) + ": "
            + BackupSizeWords.of(bytes) + ", tables "
            + String.join(", ", manifest.tables().stream().map(t -> t.name() + " (" + t.rows()
                + " rows)").toList()) + " from one snapshot at " + manifest.binlog()
            + " (writers waited " + manifest.writersHeldMillis() + " ms)"
            + ", tested with 7zz t" + (note.isEmpty() ? "" : "; " + note));
  }

  /** {@code 7zz t} passes and the manifest names the archive's tables (and the job's). */
  static StepResult verify(HostStep step, BackupInput input, String backupId) {
    long started = System.currentTimeMillis();
    try (Connection connection = Connection.open(step)) {
      ArchiveDirectory archives = connection.archives;
      String archive = MysqlTablesEngine.checkedId(backupId);
      if (!archives.exists(archive)) {
        throw Failures.of(FailureType.BACKUP_NOT_FOUND, "no archive " + archive + " in "
            + archives.dir());
      }
      String damage = archives.test(archives.archive(archive));
      if (damage != null) {
        throw Failures.of(FailureType.BACKUP_NOT_VALID, "archive " + archive + ": " + damage);
      }
      Manifest manifest = MysqlTablesEngine.manifest(archives, archive);
      List<String> files = archives.listing(archive).orElseThrow().stream()
          .map(SevenZip.Entry::path).toList();
      List<String> expected = new ArrayList<>(manifest.tables().stream()
          .map(Manifest.TableFacts::file).toList());
      expected.add(Manifest.FILE);
      if (!new java.util.HashSet<>(files).equals(new java.util.HashSet<>(expected))
          || (input.tables() != null && !manifest.tableNames().equals(
              TableNames.parseAll(input.tables())))) {
        throw Failures.of(FailureType.BACKUP_NOT_VALID, "archive " + archive + " holds " + files
            + ", its manifest names " + manifest.tableNames());
      }
      return new StepResult(Steps.VERIFY_BACKUP, started, System.currentTimeMillis(), "archive "
          + archive + " verified: 7zz t passes, manifest names " + manifest.tables().size()
          + " table(s) " + String.join(", ", manifest.tableNames()));
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, Steps.VERIFY_BACKUP + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, Steps.VERIFY_BACKUP + ": interrupted");
    }
  }
}
