package dev.restoreflow.activities.pgbackrest;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.WorkInFlight;
import dev.restoreflow.activities.cluster.ClusterNotReadyException;
import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.cluster.ScratchTargets;
import dev.restoreflow.activities.cluster.UnfinishedRestore;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.LeftoverProcesses;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.Activity;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PgBackRestRestore: {@code pgbackrest restore --delta} into the instance's data directory. Safe
 * to run again: a retry kills the restore a dead worker left running and runs {@code --delta}
 * once more, which keeps what is already right and restores the rest (pgBackRest's own way of
 * going on: its backup.manifest stays in the directory until the restore ends). The directory
 * is marked as unfinished ({@link UnfinishedRestore}) from before the first write until the
 * restore has ended, so PostgreSQL is never started on half of it.
 */
public class PgBackRestActivitiesImpl implements PgBackRestActivities {

  private static final Logger log = LoggerFactory.getLogger(PgBackRestActivitiesImpl.class);
  static final String ARCHIVING_OFF = "\n# restoreflow: a restored cluster does not archive into"
      + " the stanza (instances.<name>.keepArchiving)\narchive_mode = 'off'\n";
  private static final Duration RESTORE_LIMIT = Duration.ofHours(24);
  private static final Duration QUICK = Duration.ofSeconds(30);

  private final HostServices services;

  public PgBackRestActivitiesImpl(HostServices services) {
    this.services = services;
  }

  @Override
  public StepResult pgBackRestRestore(EngineRestoreInput input) {
    long started = System.currentTimeMillis();
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    try (HostStep ctx = HostStep.open(services, input.step())) {
      InstanceConfig instance = ctx.instance();
      String label;
      try {
        label = BackupLabels.normalize(input.backupId());
      } catch (IllegalArgumentException e) {
        throw Failures.of(FailureType.BAD_BACKUP_ID, e.getMessage());
      }
      List<String> argv;
      try {
        argv = PgBackRestCommands.restore(instance, label, input.recoveryTarget(),
            !Boolean.FALSE.equals(instance.promote()),
            ctx.scratch() == null ? null : ScratchTargets.tablespaces(ctx.scratch()));
      } catch (IllegalArgumentException e) {
        throw Failures.of(FailureType.BAD_RECOVERY_TARGET, e.getMessage());
      }
      Stanza stanza = new Stanza(ctx);
      BackupSet backup = stanza.info().backup(label).orElseThrow(() -> Failures.of(
          FailureType.BACKUP_NOT_FOUND, "backup " + label + " is no longer in stanza "
              + instance.settings(PgBackRestConfig.class).stanza() + " (expired since the plan?)"));
      Command command = Command.of(argv, instance.osUser(), RESTORE_LIMIT);
      CommandResult result;
      RestoreProgress progress = new RestoreProgress(attempt, backup.size(), ctx.runner(),
          instance);
      try (progress) {
        // a restore an earlier attempt left running while Temporal was down is taken over here;
        // a command over an SSH session ends with this step, so it cannot outlive its attempt
        result = services.workInFlight().run(new WorkInFlight.Work<>(progress::snapshot, () -> {
          if (attempt > 1) {
            new LeftoverProcesses(ctx.runner()).kill("restore",
                args -> PgBackRestCommands.isRestoreInto(args, instance.pgdata()));
          }
          clearStalePid(ctx);
          UnfinishedRestore.mark(ctx.runner(), instance, new UnfinishedRestore.Mark(ctx.jobId(),
              RESTORE_STEP, instance.engine(), label));
        }, stop -> {
          progress.start();
          return ctx.runner().run(command, progress, stop);
        }, !(ctx.runner() instanceof AutoCloseable)));
      } catch (CommandFailedException e) {
        throw Failures.ofCommand(RESTORE_STEP, e);
      }
      if (!result.succeeded()) {
        throw PgBackRestFailures.of(RESTORE_STEP + " of " + label, result);
      }
      progress.sample();
      if (!Boolean.TRUE.equals(instance.keepArchiving())) {
        switchArchivingOff(ctx);
      }
      try {
        UnfinishedRestore.finish(ctx.runner(), instance);
      } catch (CommandFailedException e) {
        throw Failures.ofCommand(RESTORE_STEP + ": marking the restore finished", e);
      }
      return new StepResult(RESTORE_STEP, started, System.currentTimeMillis(),
          "restored " + backup.type() + " backup " + label + " with --delta ("
              + (input.recoveryTarget() == null || input.recoveryTarget().isEmpty()
                  ? "to the backup's end" : "to the recovery target") + "); "
              + progress.summary() + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
    }
  }

  /**
   * pgBackRest refuses to restore (38) while {@code postmaster.pid} exists. One that no server
   * owns (pg_ctl status: not running; the cluster was stopped by StopCluster, or crashed) is
   * removed; with a server running, the restore is refused.
   */
  private static void clearStalePid(HostStep ctx) {
    String pidFile = ctx.instance().pgdata() + "/postmaster.pid";
    CommandResult exists = ctx.runner().run(Command.of(List.of("test", "-e", pidFile),
        ctx.instance().osUser(), QUICK));
    if (!exists.succeeded()) {
      return;
    }
    ClusterState state;
    try {
      state = ctx.cluster().state();
    } catch (ClusterNotReadyException | CommandFailedException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, RESTORE_STEP + ": cannot tell whether"
          + " PostgreSQL runs on " + ctx.instance().pgdata() + ": " + e.getMessage());
    }
    if (state == ClusterState.RUNNING) {
      throw Failures.of(FailureType.RESTORE_REFUSED, RESTORE_STEP + ": PostgreSQL runs on "
          + ctx.instance().pgdata() + "; stop it and run the restore again");
    }
    log.warn("removing {}: no server runs on the data directory (a leftover of a crash)",
        pidFile);
    try {
      ctx.runner().runChecked(Command.of(List.of("rm", "-f", "--", pidFile),
          ctx.instance().osUser(), QUICK));
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(RESTORE_STEP + ": removing the stale postmaster.pid", e);
    }
  }

  /** Like every engine's restore: archive_mode off, unless the config keeps archiving. */
  private static void switchArchivingOff(HostStep ctx) {
    String autoConf = ctx.instance().pgdata() + "/postgresql.auto.conf";
    try {
      ctx.runner().runChecked(Command.of(List.of("tee", "-a", autoConf), ctx.instance().osUser(),
          QUICK).withStdin(ARCHIVING_OFF));
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(RESTORE_STEP + ": switching archiving off", e);
    }
  }
}
