package dev.restoreflow.activities.pgbackrest;

import dev.restoreflow.activities.BackupSizeWords;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.LeftoverProcesses;
import dev.restoreflow.activities.exec.OutputListener;
import dev.restoreflow.activities.exec.OutputTail;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Sizes;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.TakenBackup;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TakeBackup for pgBackRest. A retry (its worker died) first kills the backup the dead attempt
 * left running; a backup that had ended is the job's. Otherwise the new run deals with what the
 * dead one left in the repository, as pgBackRest does by itself (checked with 2.45): a backup
 * of the same type is resumed ("resumable backup ... of same type exists -- invalid files will
 * be removed then the backup will resume"), one of another type is removed. An unfinished
 * backup has no manifest in the repository, so {@code info} and restores never see it.
 */
final class PgBackRestBackups {

  private static final Logger log = LoggerFactory.getLogger(PgBackRestBackups.class);
  /** "INFO: new backup label = 20261129-163035F" */
  private static final Pattern LABEL = Pattern.compile("new backup label = (\\S+)");
  private static final Duration BACKUP_LIMIT = Duration.ofHours(24);

  private final HostStep step;
  private final Stanza stanza;

  PgBackRestBackups(HostStep step) {
    this.step = step;
    this.stanza = new Stanza(step);
  }

  TakenBackup take(String type, String compressType) {
    long started = System.currentTimeMillis();
    ActivityExecutionContext activity = Activity.getExecutionContext();
    int attempt = activity.getInfo().getAttempt();
    if (attempt > 1) {
      TakeProgress earlier = activity.getHeartbeatDetails(TakeProgress.class).orElse(null);
      Optional<TakenBackup> adopted = clearEarlierAttempt(earlier, started);
      if (adopted.isPresent()) {
        return adopted.get();
      }
    }
    TakeListener listener = new TakeListener(attempt);
    CommandResult result;
    try (Heartbeats beats = Heartbeats.start(listener::progress)) {
      result = stanza.runner().run(Command.of(PgBackRestCommands.backup(step.instance(), type,
          compressType), step.instance().osUser(), BACKUP_LIMIT), listener, beats::stopped);
      beats.rethrowIfStopped();
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.TAKE_BACKUP, e);
    }
    if (!result.succeeded()) {
      throw PgBackRestFailures.of(Steps.TAKE_BACKUP + " (" + type + ")", result);
    }
    String label = listener.label;
    if (label == null) {
      throw Failures.of(FailureType.COMMAND_FAILED, "pgbackrest backup printed no backup label");
    }
    BackupSet backup = stanza.info().backup(label).orElseThrow(() -> Failures.of(
        FailureType.BACKUP_NOT_FOUND, "backup " + label + " is not in pgbackrest info after it"
            + " ended"));
    String note = (type.equals(backup.type()) ? "" : " (asked for " + type
        + ": no prior backup, so pgBackRest took a " + backup.type() + ")")
        + (attempt > 1 ? " (attempt " + attempt + ")" : "");
    return taken(backup, started, note);
  }

  private Optional<TakenBackup> clearEarlierAttempt(TakeProgress earlier, long started) {
    String stanzaName = step.instance().settings(PgBackRestConfig.class).stanza();
    new LeftoverProcesses(stanza.runner()).kill("backup",
        args -> PgBackRestCommands.isBackupOf(args, stanzaName));
    if (earlier != null && earlier.label() != null) {
      Optional<BackupSet> theirs = stanza.info().backup(earlier.label());
      if (theirs.isPresent()) {
        log.info("backup {} of the previous attempt ended before its worker died; it is this"
            + " job's backup", earlier.label());
        return Optional.of(taken(theirs.get(), started, " (taken by the previous attempt)"));
      }
    }
    return Optional.empty();
  }

  /**
   * The detail says sizes for people; the bytes copied (what the backup-bytes metric has always
   * counted for pgBackRest) also exactly, see {@link BackupSizeWords}.
   */
  static TakenBackup taken(BackupSet b, long started, String note) {
    return new TakenBackup(b.label(), b.type(), b.repoDelta(), started,
        System.currentTimeMillis(), b.type() + " backup " + b.label() + ": "
            + BackupSizeWords.of(b.deltaSize()) + " copied of " + Sizes.human(b.size()) + ", "
            + Sizes.human(b.repoDelta()) + " in the repository, WAL " + b.walStart() + " .. "
            + b.walStop() + note);
  }

  /**
   * TakeBackup's heartbeat details: the label once pgBackRest printed it (at the backup's end);
   * {@code bytesDone} of {@code bytesTotal}, the backup's progress for the CLI's bar (see
   * {@link BackupBytes}; 0 of 0 until pgBackRest reports its first file). A payload of an older
   * worker (without the bytes) still reads.
   */
  public record TakeProgress(int attempt, String label, long outputLines, String lastLine,
      long bytesDone, long bytesTotal) {}

  private static final class TakeListener implements OutputListener {
    private final int attempt;
    private volatile String label;
    private final OutputTail tail = new OutputTail();
    private final BackupBytes bytes = new BackupBytes();

    TakeListener(int attempt) {
      this.attempt = attempt;
    }

    @Override
    public void onLine(Stream stream, String line) {
      tail.see(line);
      bytes.see(line);
      Matcher m = LABEL.matcher(line);
      if (m.find()) {
        label = m.group(1);
      }
    }

    Object progress() {
      return new TakeProgress(attempt, label, tail.lines(), tail.lastLine(), bytes.done(),
          bytes.total());
    }
  }
}
