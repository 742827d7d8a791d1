package dev.restoreflow.activities.probackup;

import dev.restoreflow.activities.cluster.ClusterCommands;
import dev.restoreflow.activities.cluster.DataWiper;
import dev.restoreflow.activities.cluster.DirectorySize;
import dev.restoreflow.activities.cluster.UnfinishedRestore;
import dev.restoreflow.activities.cluster.WipeIncompleteException;
import dev.restoreflow.activities.cluster.WipeRefusedException;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.DiskFull;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.WorkInFlight;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.OutputListener;
import dev.restoreflow.activities.exec.OutputTail;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Sizes;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.Activity;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ProbackupRestore. Safe to run again: a retry first kills a restore a dead worker left running
 * on the same data directory, and a full restore empties its own half-written work before it
 * starts over; an incremental one simply runs again. A restore whose attempt Temporal lost while
 * it was down goes on, and the retry on the same worker takes it over ({@link WorkInFlight}).
 */
public class ProbackupActivitiesImpl implements ProbackupActivities {

  private static final Logger log = LoggerFactory.getLogger(ProbackupActivitiesImpl.class);
  static final String ARCHIVING_OFF = "\n# restoreflow: a restored cluster does not archive into"
      + " the source's archive (instances.<name>.keepArchiving)\narchive_mode = 'off'\n";

  private final HostServices services;

  public ProbackupActivitiesImpl(HostServices services) {
    this.services = services;
  }

  @Override
  public StepResult probackupRestore(EngineRestoreInput input) {
    long started = System.currentTimeMillis();
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    try (HostStep ctx = HostStep.open(services, input.step())) {
      InstanceConfig instance = ctx.instance();
      ProbackupSide engine = ProbackupSide.of(ctx);
      List<String> argv;
      try {
        argv = ProbackupCommands.restore(instance, input.backupId(), input.incremental(),
            input.recoveryTarget(), engine.remote());
      } catch (IllegalArgumentException e) {
        throw Failures.of(FailureType.BAD_RECOVERY_TARGET, e.getMessage());
      }
      // a full restore fills the emptied data directory: its size against the backup's is how
      // far it is; an incremental one rewrites an unknown part of a full directory (files only)
      long backupBytes = input.incremental() ? 0 : backupDataBytes(ctx, engine, input.backupId());
      DirectorySize dataDir = new DirectorySize(ctx.runner(), instance.osUser(),
          instance.pgdata(), DirectorySize.EVERY);
      RestoreProgress fresh = new RestoreProgress(attempt, dataDir, backupBytes);
      Command command = Command.of(argv, instance.osUser(), Duration.ofHours(24));
      Restored restored;
      try {
        // an earlier attempt's restore that went on while Temporal was down is taken over here;
        // a command over an SSH session ends with this step, so it cannot outlive its attempt
        restored = services.workInFlight().run(new WorkInFlight.Work<>(fresh::snapshot, () -> {
          UnfinishedRestore.mark(ctx.runner(), instance, new UnfinishedRestore.Mark(ctx.jobId(),
              ProbackupActivities.RESTORE_STEP, instance.engine(), input.backupId()));
          if (attempt > 1) {
            prepareRetry(ctx, engine, input.incremental());
          }
        }, stop -> {
          // measured while the work runs, also when a later attempt takes it over
          try (dataDir) {
            if (backupBytes > 0) {
              dataDir.start();
            }
            return new Restored(engine.runner().run(command, fresh, stop), fresh);
          }
        },
            !(engine.runner() instanceof AutoCloseable)));
      } catch (CommandFailedException e) {
        throw Failures.ofCommand(ProbackupActivities.RESTORE_STEP, e);
      }
      CommandResult result = restored.result();
      RestoreProgress progress = restored.progress();
      if (!result.succeeded()) {
        throw failureOf(result, ctx, input);
      }
      if (!Boolean.TRUE.equals(instance.keepArchiving())) {
        switchArchivingOff(ctx);
      }
      try {
        UnfinishedRestore.finish(ctx.runner(), instance);
      } catch (CommandFailedException e) {
        throw Failures.ofCommand(ProbackupActivities.RESTORE_STEP + ": marking the restore finished", e);
      }
      return new StepResult(ProbackupActivities.RESTORE_STEP, started, System.currentTimeMillis(),
          "restored backup " + input.backupId() + (input.incremental() ? " incrementally" : "")
              + "; " + progress.summary() + (input.incremental() ? "" : bytesWritten(ctx))
              + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
    }
  }

  /**
   * The backup's data size as pg_probackup's {@code show} gives it (of the data directory when it
   * says, else of the backup's data), or 0 when it cannot be had: the bar is then left out.
   */
  private static long backupDataBytes(HostStep ctx, ProbackupSide engine, String backupId) {
    try {
      return ProbackupBackups.find(ctx, engine, backupId)
          .map(b -> b.pgdataBytes() > 0 ? b.pgdataBytes() : b.dataBytes()).orElse(0L);
    } catch (RuntimeException e) {
      log.warn("the size of backup {} could not be read ({}); the restore's progress shows files"
          + " only", backupId, e.getMessage());
      return 0;
    }
  }

  /** What the restore's command did, with the progress it reported. */
  private record Restored(CommandResult result, RestoreProgress progress) {}

  /**
   * What a full restore wrote: everything the emptied data directory now holds ("; 1.6 GiB
   * written", which the job's figures on /metrics read), or nothing when du fails. pg_probackup
   * does not say; an incremental restore writes an unknown part of the directory.
   */
  private static String bytesWritten(HostStep ctx) {
    try {
      CommandResult du = ctx.runner().run(Command.of(
          ClusterCommands.usedBytes(ctx.instance().pgdata()), ctx.instance().osUser(),
          Duration.ofMinutes(5)));
      if (du.succeeded()) {
        return "; " + Sizes.human(Long.parseLong(du.stdout().strip().split("\\s+")[0]))
            + " written";
      }
      log.warn("du of the restored data directory exited with {}; the restore's bytes are not"
          + " recorded", du.exitCode());
    } catch (RuntimeException e) {
      log.warn("du of the restored data directory failed ({}); the restore's bytes are not"
          + " recorded", e.toString());
    }
    return "";
  }

  /** After a crash of the previous attempt: no two restores on one directory, no leftovers. */
  private void prepareRetry(HostStep ctx, ProbackupSide engine, boolean incremental) {
    new StaleProcesses(engine.runner()).killRestoresInto(ctx.instance().pgdata());
    if (!incremental) {
      try {
        String wiped = new DataWiper(ctx.runner(), ctx.instance(), ctx.cluster()).wipe(
            ctx.instance().pgdata(), () -> { });
        log.info("retry: cleared the previous attempt's partial restore: {}", wiped);
      } catch (WipeRefusedException e) {
        throw Failures.of(FailureType.RESTORE_REFUSED, "cannot retry the restore: " + e.getMessage());
      } catch (WipeIncompleteException e) {
        throw Failures.of(FailureType.COMMAND_FAILED, "cannot retry the restore: " + e.getMessage());
      }
    }
  }

  private void switchArchivingOff(HostStep ctx) {
    String autoConf = ctx.instance().pgdata() + "/postgresql.auto.conf";
    try {
      ctx.runner().runChecked(Command.of(List.of("tee", "-a", autoConf), ctx.instance().osUser(),
          Duration.ofSeconds(30)).withStdin(ARCHIVING_OFF));
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(ProbackupActivities.RESTORE_STEP + ": switching archiving off", e);
    }
  }

  /** pg_probackup's own messages say whether trying again can help. */
  static RuntimeException failureOf(CommandResult result, HostStep ctx, EngineRestoreInput input) {
    String stderr = result.stderrTail();
    String message = "pg_probackup restore exited with " + result.exitCode() + ": "
        + lastError(stderr);
    if (DiskFull.saysNoSpace(stderr)) {
      String pgdata = ctx.instance().pgdata();
      return DiskFull.failure(ProbackupActivities.RESTORE_STEP, "restoring backup "
          + input.backupId(), pgdata,
          DiskFull.roomOf(ctx.runner(), ctx.instance().osUser(), pgdata),
          input.incremental()
              ? "The data directory is partly restored (incrementally), not a usable cluster: make"
                  + " room on its file system (or give it a larger one), then run the restore again"
              : "The data directory holds a partial restore, not a usable cluster: make room on"
                  + " its file system (or give it a larger one), then run a full restore", message);
    }
    if (stderr.contains("is not found")) {
      return Failures.of(FailureType.BACKUP_NOT_FOUND, message);
    }
    if (stderr.contains("is corrupt") || stderr.contains("is orphan")
        || stderr.contains("has status") || stderr.contains("does not satisfy")) {
      return Failures.of(FailureType.BACKUP_NOT_VALID, message);
    }
    if (stderr.contains("Restore destination is not empty")
        || stderr.contains("Incremental restore is not allowed")) {
      return Failures.of(FailureType.RESTORE_REFUSED, message);
    }
    return Failures.of(FailureType.COMMAND_FAILED, message);
  }

  static String lastError(String stderr) {
    String[] lines = stderr.strip().split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (lines[i].startsWith("ERROR:")) {
        return lines[i];
      }
    }
    return lines[lines.length - 1];
  }

  /** Follows pg_probackup's --progress lines: "Progress: (n/N). Restore file ...". */
  static final class RestoreProgress implements OutputListener {
    private static final java.util.regex.Pattern PROGRESS =
        java.util.regex.Pattern.compile("Progress: \\((\\d+)/(\\d+)\\)");

    private final int attempt;
    private final DirectorySize dataDir;
    private final long backupBytes;
    private volatile long filesDone;
    private volatile long filesTotal;
    private final OutputTail tail = new OutputTail();

    /**
     * @param dataDir the data directory's size, measured while the restore runs
     * @param backupBytes what the data directory grows to; 0 = not known (no bytes shown)
     */
    RestoreProgress(int attempt, DirectorySize dataDir, long backupBytes) {
      this.attempt = attempt;
      this.dataDir = dataDir;
      this.backupBytes = backupBytes;
    }

    @Override
    public void onLine(Stream stream, String line) {
      tail.see(line);
      java.util.regex.Matcher m = PROGRESS.matcher(line);
      if (m.find()) {
        filesDone = Long.parseLong(m.group(1));
        filesTotal = Long.parseLong(m.group(2));
      }
    }

    Object snapshot() {
      return new RestoreHeartbeat(attempt, filesDone, filesTotal, percent(), tail.lines(),
          tail.lastLine(), bytesDone(), backupBytes);
    }

    /** The data directory's size, up to the backup's; 0 when the backup's size is not known. */
    long bytesDone() {
      return backupBytes > 0 ? Math.min(dataDir.bytes(), backupBytes) : 0;
    }

    int percent() {
      return filesTotal == 0 ? 0 : (int) (filesDone * 100 / filesTotal);
    }

    String summary() {
      return filesTotal > 0 ? filesDone + "/" + filesTotal + " files"
          : tail.lines() + " output lines";
    }
  }

  /**
   * Heartbeat details of ProbackupRestore, as the Temporal UI shows them; {@code bytesDone} of
   * {@code bytesTotal}: the data directory's size against the backup's (a full restore).
   */
  public record RestoreHeartbeat(int attempt, long filesDone, long filesTotal, int percent,
      long outputLines, String lastLine, long bytesDone, long bytesTotal) {}
}
