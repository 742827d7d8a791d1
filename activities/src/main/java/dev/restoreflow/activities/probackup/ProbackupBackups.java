package dev.restoreflow.activities.probackup;

import dev.restoreflow.activities.BackupSizeWords;
import dev.restoreflow.activities.DiskFull;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.cluster.ClusterCommands;
import dev.restoreflow.activities.cluster.DirectorySize;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.OutputListener;
import dev.restoreflow.activities.exec.OutputTail;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.TakenBackup;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The instance's pg_probackup catalog: reading it, and taking a backup into it. */
final class ProbackupBackups {

  private static final Logger log = LoggerFactory.getLogger(ProbackupBackups.class);
  /** "INFO: Backup start, ..., backup ID: SXXXXX, backup mode: FULL, ..." */
  private static final Pattern BACKUP_ID = Pattern.compile("backup ID: ([0-9A-Z]{6})");
  /** "..., backup mode: FULL, wal mode: STREAM, remote: false, compress-algorithm: none, ..." */
  private static final Pattern WHOLE_FILES = Pattern.compile(
      "backup mode: FULL,.*compress-algorithm: none\\b");
  private static final Duration BACKUP_LIMIT = Duration.ofHours(24);

  private final HostStep step;
  private final ProbackupSide side;

  ProbackupBackups(HostStep step, ProbackupSide side) {
    this.step = step;
    this.side = side;
  }

  /** The catalog's backups of the instance, newest first, as {@code show} lists them. */
  static List<BackupInfo> show(HostStep step, ProbackupSide side) {
    CommandResult show;
    try {
      show = side.runner().runChecked(Command.of(ProbackupCommands.show(step.instance()),
          step.instance().osUser(), ProbackupEngine.SHOW_LIMIT));
    } catch (CommandFailedException e) {
      throw Failures.ofCommand("pg_probackup show", e);
    }
    try {
      return ProbackupCommands.parseShow(show.stdout(), step.instance()
          .settings(ProbackupConfig.class).instance());
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, e.getMessage());
    }
  }

  /** The backup to restore (given, or the newest valid one) and its chain. */
  static BackupChoice choose(HostStep step, ProbackupSide side, String requestedId) {
    List<BackupInfo> backups = show(step, side);
    try {
      return ProbackupCommands.choose(backups, requestedId);
    } catch (BackupChoiceException e) {
      throw Failures.of(e.type(), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.BAD_BACKUP_ID, e.getMessage());
    }
  }

  static Optional<BackupInfo> find(HostStep step, ProbackupSide side, String id) {
    return show(step, side).stream().filter(b -> b.id().equals(id)).findFirst();
  }

  /** The newest backup a restore could use (OK, with a whole chain), if any. */
  static Optional<BackupInfo> newestValid(HostStep step, ProbackupSide side) {
    try {
      return Optional.of(ProbackupCommands.choose(show(step, side), null).backup());
    } catch (BackupChoiceException none) {
      return Optional.empty();
    }
  }

  /**
   * Takes one backup. A retry (its worker died) first kills the backup the dead attempt left
   * running; if that backup had ended well it is the job's backup, otherwise it and any other
   * backup left RUNNING by a dead process are deleted, and a new one is taken.
   */
  TakenBackup take(String mode) {
    long started = System.currentTimeMillis();
    ActivityExecutionContext activity = Activity.getExecutionContext();
    int attempt = activity.getInfo().getAttempt();
    TakeProgress earlier = activity.getHeartbeatDetails(TakeProgress.class).orElse(null);
    if (attempt > 1) {
      Optional<TakenBackup> adopted = clearEarlierAttempt(earlier, started);
      if (adopted.isPresent()) {
        return adopted.get();
      }
    }
    ProbackupConfig config = step.instance().settings(ProbackupConfig.class);
    TakeListener listener = new TakeListener(attempt);
    CommandResult result;
    // the backup's directory in the catalog, once pg_probackup has named it; the data directory
    // (on the database host) measured once, not in the way of the backup
    try (DirectorySize written = new DirectorySize(side.runner(), step.instance().osUser(),
            () -> listener.backupId == null ? null : ClusterCommands.usedBytes(
                backupDirectory(config, listener.backupId)), DirectorySize.EVERY).start();
        DirectorySize data = new DirectorySize(step.runner(), step.instance().osUser(),
            () -> ClusterCommands.dataBytes(step.instance().pgdata()), Duration.ofHours(1))
            .start();
        Heartbeats beats = Heartbeats.start(() -> listener.progress(written.bytes(),
            data.bytes()))) {
      result = side.runner().run(Command.of(ProbackupCommands.backup(step.instance(), mode),
          step.instance().osUser(), BACKUP_LIMIT), listener, beats::stopped);
      beats.rethrowIfStopped();
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.TAKE_BACKUP, e);
    }
    String id = listener.backupId;
    if (!result.succeeded()) {
      String message = "pg_probackup backup exited with " + result.exitCode()
          + (id == null ? "" : " (backup " + id + " is left as ERROR)") + ": "
          + ProbackupActivitiesImpl.lastError(result.stderrTail());
      if (DiskFull.saysNoSpace(result.stderrTail())) {
        String catalog = step.instance().settings(ProbackupConfig.class).catalog();
        throw DiskFull.failure(Steps.TAKE_BACKUP, "taking a " + mode + " backup", catalog,
            DiskFull.roomOf(side.runner(), step.instance().osUser(), catalog), "The cluster is"
                + " untouched: make room in the catalog (delete old backups, or give it a larger"
                + " file system), then run the backup again", message);
      }
      throw Failures.of(FailureType.COMMAND_FAILED, message);
    }
    if (id == null) {
      throw Failures.of(FailureType.COMMAND_FAILED, "pg_probackup backup printed no backup id");
    }
    BackupInfo backup = find(step, side, id).orElseThrow(() -> Failures.of(
        FailureType.BACKUP_NOT_FOUND, "backup " + id + " is not in the catalog after it ended"));
    return new TakenBackup(id, mode, backup.dataBytes(), started, System.currentTimeMillis(),
        mode + " backup " + id + ": " + BackupSizeWords.of(backup.dataBytes()) + " of data, status "
            + backup.status() + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
  }

  /** A backup's directory in the catalog: {@code B/backups/<instance>/<ID>}. */
  static String backupDirectory(ProbackupConfig config, String id) {
    return config.catalog() + "/backups/" + config.instance() + "/" + id;
  }

  private Optional<TakenBackup> clearEarlierAttempt(TakeProgress earlier, long started) {
    String catalog = step.instance().settings(ProbackupConfig.class).catalog();
    new StaleProcesses(side.runner()).killBackupsOf(catalog, step.instance()
        .settings(ProbackupConfig.class).instance());
    List<BackupInfo> backups = show(step, side);
    if (earlier != null && earlier.backupId() != null) {
      Optional<BackupInfo> theirs = backups.stream()
          .filter(b -> b.id().equals(earlier.backupId())).findFirst();
      if (theirs.isPresent() && theirs.get().isRestorable()) {
        BackupInfo b = theirs.get();
        log.info("backup {} of the previous attempt ended well before its worker died; it is"
            + " this job's backup", b.id());
        return Optional.of(new TakenBackup(b.id(), b.backupMode(), b.dataBytes(), started,
            System.currentTimeMillis(), b.backupMode() + " backup " + b.id() + ": taken by the"
                + " previous attempt (its worker died after the backup ended)"));
      }
      theirs.ifPresent(this::delete);
    }
    backups.stream().filter(b -> "RUNNING".equals(b.status())
        && (earlier == null || !b.id().equals(earlier.backupId()))).forEach(this::delete);
    return Optional.empty();
  }

  private void delete(BackupInfo backup) {
    log.warn("deleting backup {} (status {}), left unfinished by a worker that died",
        backup.id(), backup.status());
    try {
      side.runner().runChecked(Command.of(ProbackupCommands.delete(step.instance(), backup.id()),
          step.instance().osUser(), Duration.ofMinutes(30)));
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.TAKE_BACKUP + ": deleting the unfinished backup "
          + backup.id(), e);
    }
  }

  /**
   * TakeBackup's heartbeat details: the id of the backup it is taking, once the tool said it; the
   * bytes of its directory in the catalog ({@code bytesWritten}, {@code du} every 5 s) and the
   * data directory's data ({@code dataBytes}, without pg_wal). {@code bytesDone} of
   * {@code bytesTotal} — the CLI's bar — only when the one grows to the other: a FULL backup
   * without compression stores every data file whole (its pages, with small headers). A DELTA or
   * PAGE backup stores the changed pages only and a compressed one less than the data, by ratios
   * nobody knows beforehand: for those {@code bytesTotal} is 0 (no percent that would stop at
   * 30%); the CLI shows the backup's line and the rate at which its directory grows. A payload of
   * an older worker (id and line only) still reads.
   */
  public record TakeProgress(int attempt, String backupId, long outputLines, String lastLine,
      long bytesWritten, long dataBytes, long bytesDone, long bytesTotal) {

    static TakeProgress of(int attempt, String backupId, long outputLines, String lastLine,
        boolean wholeFiles, long written, long data) {
      boolean bar = wholeFiles && data > 0;
      return new TakeProgress(attempt, backupId, outputLines, lastLine, written, data,
          bar ? Math.min(written, data) : written, bar ? data : 0);
    }
  }

  static final class TakeListener implements OutputListener {
    private final int attempt;
    private volatile String backupId;
    /** A FULL backup without compression, as pg_probackup's "Backup start" line says. */
    private volatile boolean wholeFiles;
    private final OutputTail tail = new OutputTail();

    TakeListener(int attempt) {
      this.attempt = attempt;
    }

    @Override
    public void onLine(Stream stream, String line) {
      tail.see(line);
      Matcher m = BACKUP_ID.matcher(line);
      if (backupId == null && m.find()) {
        backupId = m.group(1);
        wholeFiles = WHOLE_FILES.matcher(line).find();
      }
    }

    Object progress(long written, long data) {
      return TakeProgress.of(attempt, backupId, tail.lines(), tail.lastLine(), wholeFiles,
          written, data);
    }
  }
}
