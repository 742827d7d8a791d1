package dev.restoreflow.activities.steps;

import dev.restoreflow.activities.Aside;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.cluster.ClusterCommands;
import dev.restoreflow.activities.cluster.ScratchPlan;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Sizes;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.PlanActivities;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.RestorePlan;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * PlanRestore, for every engine: reads only. Checks the request again against this worker's
 * config, then the instance's engine chooses the backup and lists the steps; the disk check is
 * the same for all. Last, the plan's RPO: what the restore brings back to against the instance's
 * own newest data, read on the host while the engine plans.
 */
public class PlanActivitiesImpl implements PlanActivities {

  private static final Duration QUICK = Duration.ofSeconds(60);
  /** Head room on top of the backup's size: WAL replayed at start, files being rewritten. */
  private static final double DISK_MARGIN = 1.05;

  private final HostServices services;
  private final Engines engines;
  private final RpoReckoning rpo;

  public PlanActivitiesImpl(HostServices services, Engines engines) {
    this(services, engines, Clock.systemUTC());
  }

  /** @param clock "now" of the RPO (a cluster whose newest commit is not known) */
  public PlanActivitiesImpl(HostServices services, Engines engines, Clock clock) {
    this.services = services;
    this.engines = engines;
    this.rpo = new RpoReckoning(clock);
  }

  @Override
  public RestorePlan planRestore(PlanInput input) {
    // heartbeats: a plan that runs du over a large data directory outlives the heartbeat timeout
    try (HostStep step = HostStep.open(services, input.step());
        Heartbeats beats = Heartbeats.start()) {
      Engine engine = engines.of(step.instance());
      try {
        RequestResolver.checkRestoreOptions(engine, step.instanceName(), input.backupId(),
            input.recoveryTarget(), input.incremental(), Boolean.TRUE.equals(input.full()),
            input.tables());
      } catch (RequestRejectedException e) {
        throw Failures.of(e.type(), e.getMessage());
      }
      if (step.scratch() != null && step.scratch().directory() != null) {
        String refused = ScratchPlan.refusal(step.runner(), step.instance(), step.scratch());
        if (refused != null) {
          throw Failures.of(FailureType.RESTORE_REFUSED, Steps.PLAN + ": " + refused);
        }
      }
      // processes on the host run while the engine plans: how new the instance's own data is,
      // and, for an engine whose plan checks the room, the free space (df)
      InstanceConfig own = ownInstance(step);
      Aside<NewestData> newest = Aside.start("plan-rpo-read",
          () -> OwnCluster.read(step.runner(), own, engine.hasDataDirectory()));
      Aside<Long> free = engine.checksRoom() ? Aside.start("plan-free-space",
          () -> freeBytes(step)) : null;
      RestorePlan plan;
      try {
        plan = engine.planRestore(step, input,
            (backupId, need) -> checkRoom(step, backupId, need,
                free != null ? free.join() : freeBytes(step)));
      } finally {
        newest.join();   // never fails; nothing of the plan's goes on after it
        if (free != null) {
          free.await();
        }
      }
      return rpo.apply(plan, input.recoveryTarget(), newest.join());
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.PLAN, e);
    }
  }

  /**
   * The instance as configured, also when the step restores a clone or drill into a scratch
   * target (the step's instance then describes the scratch): the RPO is the instance's own.
   */
  private InstanceConfig ownInstance(HostStep step) {
    try {
      return services.config().instanceOnHost(step.instanceName(), step.host());
    } catch (RequestRejectedException e) {
      throw Failures.of(e.type(), e.getMessage() + " (in the config of this host's worker)");
    }
  }

  /**
   * The bytes a restore of {@code need} bytes (+5%) can use, or INSUFFICIENT_DISK: the file
   * system's free bytes, plus, only when they are not enough, what the current data directory
   * holds (the restore replaces it; du walks all of it, which takes a while on a large directory
   * that is not in the cache).
   */
  private static long checkRoom(HostStep step, String backupId, long need, long free) {
    boolean scratch = step.scratch() != null;
    String pgdata = roomPath(step);
    long available = need * DISK_MARGIN > free && !scratch ? free + usedBytes(step) : free;
    if (need * DISK_MARGIN > available) {
      throw Failures.of(FailureType.INSUFFICIENT_DISK, String.format(
          "backup %s needs about %s (+5%%) in %s, but only %s are available (%s free"
              + " + %s of the current data); free some space or restore elsewhere",
          backupId, Sizes.human(need), pgdata, Sizes.human(available), Sizes.human(free),
          Sizes.human(available - free)));
    }
    return available;
  }

  /** Where the restore writes: the data directory, or (not there yet) a scratch one's parent. */
  private static String roomPath(HostStep step) {
    return step.scratch() != null ? ScratchPlan.roomPath(step.instance())
        : step.instance().pgdata();
  }

  /** The free bytes of the file system the restore writes to (df). */
  private static long freeBytes(HostStep step) {
    return bytes(step, ClusterCommands.freeBytes(roomPath(step)), 1);
  }

  /** The current data directory's size: the restore overwrites it. */
  private static long usedBytes(HostStep step) {
    CommandResult result = step.runner().run(Command.of(
        ClusterCommands.usedBytes(step.instance().pgdata()), step.instance().osUser(),
        Duration.ofMinutes(10)));
    return result.succeeded() ? firstNumber(result.stdout(), 0) : 0;
  }

  private static long bytes(HostStep step, List<String> argv, int line) {
    try {
      String out = step.runner().runChecked(Command.of(argv, step.instance().osUser(), QUICK))
          .stdout();
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
}
