package dev.restoreflow.activities;

import dev.restoreflow.activities.cluster.ClusterCommands;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.RestoreflowConfig;
import dev.restoreflow.activities.engine.BackupChoice;
import dev.restoreflow.activities.engine.BackupChoiceException;
import dev.restoreflow.activities.engine.BackupInfo;
import dev.restoreflow.activities.engine.ProbackupEngine;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.SshConnectException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.PlanActivities;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.RestorePlan;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PlanRestore: reads only; chooses the backup and checks tools and disk before anything runs. */
public class PlanActivitiesImpl implements PlanActivities {

  private static final Logger log = LoggerFactory.getLogger(PlanActivitiesImpl.class);
  private static final Duration QUICK = Duration.ofSeconds(60);
  /** Head room on top of the backup's size: WAL replayed at start, files being rewritten. */
  private static final double DISK_MARGIN = 1.05;

  private final RestoreflowConfig config;
  private final HostRunners runners;
  private final java.util.function.Function<String, String> environment;

  public PlanActivitiesImpl(RestoreflowConfig config, HostRunners runners) {
    this(config, runners, System::getenv);
  }

  /** @param environment where repository credentials named by the config are read */
  public PlanActivitiesImpl(RestoreflowConfig config, HostRunners runners,
      java.util.function.Function<String, String> environment) {
    this.config = config;
    this.runners = runners;
    this.environment = environment;
  }

  @Override
  public RestorePlan planRestore(PlanInput input) {
    // heartbeats: a plan that runs du over a large data directory outlives the heartbeat timeout
    try (InstanceContext ctx = InstanceContext.open(config, runners, input.step());
        Heartbeats beats = Heartbeats.start()) {
      return plan(ctx, input);
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.PLAN, e);
    }
  }

  private RestorePlan plan(InstanceContext ctx, PlanInput input) {
    InstanceConfig instance = ctx.instance;
    if (InstanceConfig.BASEBACKUP.equals(instance.engine())) {
      checkTool(ctx.runner, instance, List.of(instance.pgTool("pg_ctl"), "--version"), "pg_ctl",
          "instances." + input.step().instance() + ".pgBin");
      return new BaseBackupPlanner(config, environment).plan(ctx, input,
          (backupId, need) -> checkRoom(ctx, backupId, need));
    }
    EngineSide engine = EngineSide.of(config, runners, ctx, input.step().host());
    try {
      ProbackupEngine.recoveryTargetOptions(input.recoveryTarget());
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage());
    }
    checkTool(engine.runner(), instance, ProbackupEngine.version(instance.probackup()),
        "pg_probackup", "instances." + input.step().instance() + ".probackup.binary");
    checkTool(ctx.runner, instance, List.of(instance.pgTool("pg_ctl"), "--version"), "pg_ctl",
        "instances." + input.step().instance() + ".pgBin");

    BackupChoice choice = choose(ctx, engine, input);
    BackupInfo backup = choice.backup();
    long need = backup.pgdataBytes() > 0 ? backup.pgdataBytes() : backup.dataBytes();
    long available = checkRoom(ctx, backup.id(), need);
    log.info("plan: restore backup {} ({}) chain {} into {}; need {} bytes, available {}",
        backup.id(), backup.backupMode(), choice.chainIds(), instance.pgdata(), need, available);
    return new RestorePlan(input.step().instance(), input.step().host(), instance.engine(),
        backup.id(), backup.backupMode(), backup.recoveryTime(), choice.chainIds(), need,
        available, instance.pgdata());
  }

  private BackupChoice choose(InstanceContext ctx, EngineSide engine, PlanInput input) {
    CommandResult show;
    try {
      show = engine.runner().runChecked(Command.of(ProbackupEngine.show(ctx.instance),
          ctx.instance.osUser(), Duration.ofMinutes(5)));
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.PLAN + ": pg_probackup show", e);
    }
    try {
      List<BackupInfo> backups = ProbackupEngine.parseShow(show.stdout(),
          ctx.instance.probackup().instance());
      return ProbackupEngine.choose(backups, input.backupId());
    } catch (BackupChoiceException e) {
      throw Failures.of(e.type(), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage());
    }
  }

  /**
   * The bytes a restore of {@code need} bytes (+5%) can use, or INSUFFICIENT_DISK: the file
   * system's free bytes, plus, only when they are not enough, what the current data directory
   * holds (the restore replaces it; du walks all of it, which takes a while on a large directory
   * that is not in the cache).
   */
  private long checkRoom(InstanceContext ctx, String backupId, long need) {
    long free = bytes(ctx, ClusterCommands.freeBytes(ctx.instance.pgdata()), 1);
    long available = need * DISK_MARGIN > free ? free + usedBytes(ctx) : free;
    if (need * DISK_MARGIN > available) {
      throw Failures.of(FailureType.INSUFFICIENT_DISK, String.format(
          "backup %s needs about %,d bytes (+5%%) in %s, but only %,d are available (%,d free"
              + " + %,d of the current data); free some space or restore elsewhere",
          backupId, need, ctx.instance.pgdata(), available, free, available - free));
    }
    return available;
  }

  /** The current data directory's size: the restore overwrites it. */
  private long usedBytes(InstanceContext ctx) {
    CommandResult result = ctx.runner.run(Command.of(
        ClusterCommands.usedBytes(ctx.instance.pgdata()), ctx.instance.osUser(), Duration.ofMinutes(10)));
    return result.succeeded() ? firstNumber(result.stdout(), 0) : 0;
  }

  private static long bytes(InstanceContext ctx, List<String> argv, int line) {
    try {
      String out = ctx.runner.runChecked(Command.of(argv, ctx.instance.osUser(), QUICK)).stdout();
      String[] lines = out.strip().split("\n");
      return firstNumber(lines[Math.min(line, lines.length - 1)], 0);
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.PLAN + ": disk check", e);
    }
  }

  private static long firstNumber(String text, long fallback) {
    for (String token : text.strip().split("\\s+")) {
      if (token.matches("\\d+")) {
        return Long.parseLong(token);
      }
    }
    return fallback;
  }

  private static void checkTool(CommandRunner runner, InstanceConfig instance, List<String> argv,
      String name, String key) {
    try {
      runner.runChecked(Command.of(argv, instance.osUser(), QUICK));
    } catch (SshConnectException e) {
      throw Failures.ofCommand(Steps.PLAN, e);
    } catch (CommandFailedException e) {
      throw Failures.of(FailureType.TOOL_MISSING, name + " does not run on " + runner.where()
          + " (" + argv.get(0) + ": " + e.getMessage() + "); install it or set " + key);
    }
  }
}
