package dev.restoreflow.activities.host;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.cluster.ClusterControl;
import dev.restoreflow.activities.cluster.ClusterNotReadyException;
import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.RestoreInto;
import dev.restoreflow.workflows.model.StepInput;
import org.slf4j.MDC;

/**
 * What one host step works with: the instance's config, the runner of its host, its cluster, and
 * the worker's services. Opening it checks the step's instance and host against this worker's
 * config (the resolver checked them too); it tags the step's log lines with the job id while open.
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
    this.jobId = step.jobId();
    this.instanceName = step.instance();
    this.host = step.host();
    this.instance = instance;
    this.services = services;
    this.scratch = step.into();
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
      services.workInFlight().endOthersOfCurrentActivity();
      return new HostStep(step, instance, services);
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

  /** The scratch target a clone or drill works on; null = the instance itself. */
  public RestoreInto scratch() {
    return scratch;
  }

  public String host() {
    return host;
  }

  public HostConfig hostConfig() {
    return services.config().hosts().get(host);
  }

  public InstanceConfig instance() {
    return instance;
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
