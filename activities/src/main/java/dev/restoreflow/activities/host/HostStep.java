package dev.restoreflow.activities.host;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.cluster.ClusterControl;
import dev.restoreflow.activities.cluster.ClusterNotReadyException;
import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.cluster.ScratchTargets;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.RestoreInto;
import dev.restoreflow.workflows.model.StepInput;
import java.util.List;
import org.slf4j.MDC;

/**
 * What one host step works with: the instance's config, the runner of its host, its cluster, and
 * the worker's services. Opening it checks the step's instance and host against this worker's
 * config (the resolver checked them too); it tags the step's log lines with the job id while open.
 *
 * <p>A step of a clone or drill ({@link StepInput#into()} set) works on the scratch target
 * instead of the instance: its target is checked again against this worker's config (the rules of
 * {@link ScratchTargets}, and on disk: what the scratch directory resolves to, links followed, is
 * under the scratch root and outside every data directory), and {@link #instance()} is then the
 * scratch cluster (its directory, port and server log; no systemd unit, no archiving) or the
 * scratch database.
 */
public final class HostStep implements AutoCloseable {

  private final String jobId;
  private final String instanceName;
  private final String host;
  private final InstanceConfig instance;
  private final CommandRunner runner;
  private final ClusterControl cluster;
  private final HostServices services;
  private final RestoreInto scratch;

  private HostStep(StepInput step, InstanceConfig instance, HostServices services) {
    this.scratch = step.into();
    this.jobId = step.jobId();
    this.instanceName = step.instance();
    this.host = step.host();
    this.instance = instance;
    this.services = services;
    this.runner = services.runners().forHost(step.host());
    this.cluster = new ClusterControl(runner, instance);
    MDC.put("job", jobId);
  }

  /**
   * Also stops what an earlier step's lost attempt left running on this task queue (nobody took
   * it over): no step runs beside it.
   *
   * @throws io.temporal.failure.ApplicationFailure when the config does not allow the step
   */
  public static HostStep open(HostServices services, StepInput step) {
    try {
      InstanceConfig instance = services.config().instanceOnHost(step.instance(), step.host());
      if (step.into() == null) {
        services.workInFlight().endOthersOfCurrentActivity();
        return new HostStep(step, instance, services);
      }
      boolean intoDatabase = Engines.standard().of(instance).restoresIntoScratchDatabase();
      List<InstanceConfig> onHost = services.config().instances().values().stream()
          .filter(other -> other.mayRestoreOnto(step.host())).toList();
      ScratchTargets.check(step.instance(), instance, step.into(), onHost, intoDatabase);
      HostStep opened = new HostStep(step,
          ScratchTargets.scratchInstance(instance, step.into()), services);
      try {
        if (!intoDatabase) {
          ScratchTargets.checkOnDisk(opened.runner, step.instance(), instance, step.into(),
              onHost);
        }
        services.workInFlight().endOthersOfCurrentActivity();
        return opened;
      } catch (RuntimeException e) {
        opened.close();
        throw e;
      }
    } catch (RequestRejectedException e) {
      throw Failures.of(e.type(), e.getMessage() + " (in the config of this host's worker)");
    }
  }

  public String jobId() {
    return jobId;
  }

  /** The instance's name in the config. */
  public String instanceName() {
    return instanceName;
  }

  public String host() {
    return host;
  }

  public HostConfig hostConfig() {
    return services.config().hosts().get(host);
  }

  /**
   * The instance's config, or for a clone or drill the scratch target's: its directory, port and
   * server log (or its scratch database) in place of the instance's own.
   */
  public InstanceConfig instance() {
    return instance;
  }

  /** The scratch target of a clone or drill step; null when the step works on the instance. */
  public RestoreInto scratch() {
    return scratch;
  }

  public CommandRunner runner() {
    return runner;
  }

  /**
   * For PlanBackup of an engine that reads the running server: fails CLUSTER_NOT_READY, saying
   * what to do, unless the cluster runs.
   */
  public void requireRunningForBackup() {
    ClusterState state;
    try {
      state = cluster.state();
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.PLAN_BACKUP + ": pg_ctl status", e);
    } catch (ClusterNotReadyException e) {
      throw Failures.of(FailureType.CLUSTER_NOT_READY, Steps.PLAN_BACKUP + ": " + e.getMessage());
    }
    if (state != ClusterState.RUNNING) {
      throw Failures.of(FailureType.CLUSTER_NOT_READY, "cluster " + instanceName + " is "
          + state.name().toLowerCase() + "; a backup needs it running: start it (or run a"
          + " restore) and try again");
    }
  }

  public ClusterControl cluster() {
    return cluster;
  }

  public HostServices services() {
    return services;
  }

  /** Ends the step: closes the host's SSH session, if any, and the log tagging. */
  @Override
  public void close() {
    if (runner instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // a session that is gone already
      }
    }
    MDC.remove("job");
  }
}
