package dev.restoreflow.activities.cluster;

import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.ClusterActivities;
import dev.restoreflow.workflows.model.StepInput;
import dev.restoreflow.workflows.model.StepResult;
import java.util.ArrayList;
import java.util.List;

public class ClusterActivitiesImpl implements ClusterActivities {

  private final HostServices services;
  private final Engines engines;

  public ClusterActivitiesImpl(HostServices services) {
    this(services, Engines.standard());
  }

  public ClusterActivitiesImpl(HostServices services, Engines engines) {
    this.services = services;
    this.engines = engines;
  }

  @Override
  public StepResult stopCluster(StepInput input, boolean immediate) {
    return step(Steps.STOP, input, (ctx, beats) -> ctx.cluster().stop(immediate));
  }

  @Override
  public StepResult wipeData(StepInput input, Long restoreBytes) {
    return step(Steps.WIPE, input, (ctx, beats) -> {
      String created = null;
      if (ctx.scratch() != null) {
        // a scratch directory is made here; one that exists is emptied like any data directory
        created = new ScratchCluster(ctx.runner(), ctx.instance(), ctx.scratch())
            .createIfMissing();
      }
      if (created != null) {
        UnfinishedRestore.mark(ctx.runner(), ctx.instance(), new UnfinishedRestore.Mark(
            ctx.jobId(), Steps.WIPE, ctx.instance().engine(), null));
        return created;
      }
      try {
        // a scratch target is deleted as before: it is no one's data
        return new DataWiper(ctx.runner(), ctx.instance(), ctx.cluster()).wipe(
            ctx.instance().pgdata(), () -> UnfinishedRestore.mark(ctx.runner(), ctx.instance(),
                new UnfinishedRestore.Mark(ctx.jobId(), Steps.WIPE, ctx.instance().engine(),
                    null)), ctx.jobId(), ctx.scratch() == null ? restoreBytes : null);
      } catch (WipeRefusedException e) {
        throw Failures.of(FailureType.WIPE_REFUSED, e.getMessage());
      } catch (WipeIncompleteException e) {
        // not WIPE_REFUSED: that tells the workflow the data is intact; this one is partly gone
        throw Failures.of(FailureType.COMMAND_FAILED, e.getMessage());
      }
    });
  }

  @Override
  public StepResult discardOldData(StepInput input) {
    return step(Steps.DISCARD, input, (ctx, beats) -> {
      if (ctx.scratch() != null) {
        return "nothing kept aside";
      }
      try {
        return new DataWiper(ctx.runner(), ctx.instance(), ctx.cluster()).discard(
            ctx.instance().pgdata(), ctx.jobId());
      } catch (WipeRefusedException | WipeIncompleteException e) {
        throw Failures.of(FailureType.COMMAND_FAILED, Steps.DISCARD + ": " + e.getMessage());
      }
    });
  }

  @Override
  public StepResult startCluster(StepInput input) {
    return step(Steps.START, input, (ctx, beats) -> {
      if (ctx.scratch() == null) {
        return ctx.cluster().start(beats::stopped);
      }
      String settings = new ScratchCluster(ctx.runner(), ctx.instance(), ctx.scratch())
          .applySettings(ctx.instanceName());
      return ctx.cluster().start(beats::stopped) + "; " + settings;
    });
  }

  @Override
  public StepResult promote(StepInput input) {
    return step(Steps.PROMOTE, input, (ctx, beats) -> ctx.cluster().promote(beats::stopped));
  }

  @Override
  public StepResult verifyCluster(StepInput input) {
    return step(Steps.VERIFY, input, (ctx, beats) -> {
      List<String> failures = new ArrayList<>();
      boolean inRecovery = ctx.cluster().inRecovery();
      List<String> queries = ctx.instance().smokeQueries();
      for (String query : queries) {
        try {
          ctx.cluster().queryValue(query);
        } catch (CommandFailedException e) {
          failures.add(query + " -> " + e.stderrTail().strip());
        }
      }
      if (!failures.isEmpty()) {
        throw Failures.of(FailureType.VERIFY_FAILED, "smoke queries failed: "
            + String.join("; ", failures));
      }
      return "connected; in recovery: " + inRecovery + "; " + queries.size()
          + " smoke queries passed";
    });
  }
  @Override
  public StepResult proveRestore(EngineRestoreInput input) {
    try (HostStep ctx = HostStep.open(services, input.step())) {
      requireScratch(ctx, Steps.PROVE);
      try {
        return engines.of(ctx.instance()).proveRestore(ctx, input);
      } catch (CommandFailedException e) {
        throw Failures.ofCommand(Steps.PROVE, e);
      } catch (ClusterNotReadyException e) {
        throw Failures.of(FailureType.CLUSTER_NOT_READY, Steps.PROVE + ": " + e.getMessage());
      }
    }
  }

  @Override
  public StepResult removeScratch(StepInput input) {
    return step(Steps.REMOVE_SCRATCH, input, (ctx, beats) -> {
      requireScratch(ctx, Steps.REMOVE_SCRATCH);
      return engines.of(ctx.instance()).removeScratch(ctx);
    });
  }

  /** ProveRestore and RemoveScratch work on a scratch target only, never on the instance. */
  private static void requireScratch(HostStep ctx, String step) {
    if (ctx.scratch() == null) {
      throw Failures.of(FailureType.INVALID_REQUEST, step + " works only on the scratch target"
          + " of a clone or drill (the step's input has no 'into'); refusing to touch instance "
          + ctx.instanceName() + " itself");
    }
  }

  private StepResult step(String name, StepInput input, Body body) {
    long started = System.currentTimeMillis();
    try (HostStep ctx = HostStep.open(services, input);
        Heartbeats beats = Heartbeats.start()) {
      String detail;
      try {
        detail = body.run(ctx, beats);
      } catch (CommandFailedException e) {
        beats.rethrowIfStopped();
        throw Failures.ofCommand(name, e);
      } catch (ClusterStartFailedException e) {
        beats.rethrowIfStopped();
        throw Failures.of(FailureType.CLUSTER_START_FAILED, name + ": " + e.getMessage());
      } catch (ClusterNotReadyException e) {
        beats.rethrowIfStopped();
        throw Failures.of(FailureType.CLUSTER_NOT_READY, name + ": " + e.getMessage());
      } catch (UnfinishedRestoreException e) {
        throw Failures.of(FailureType.RESTORE_INCOMPLETE, name + ": " + e.getMessage());
      }
      return new StepResult(name, started, System.currentTimeMillis(), detail);
    }
  }

  @FunctionalInterface
  private interface Body {
    String run(HostStep ctx, Heartbeats beats);
  }

}
