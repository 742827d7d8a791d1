package dev.restoreflow.activities;

import dev.restoreflow.activities.cluster.ClusterControl;
import dev.restoreflow.activities.config.HostNotAllowedException;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.RestoreflowConfig;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.StepInput;
import org.slf4j.MDC;

/**
 * What a host step works with: the instance's config, the runner of its host, its cluster. Also
 * tags the step's log lines with the job id while it is open.
 */
final class InstanceContext implements AutoCloseable {

  final String jobId;
  final InstanceConfig instance;
  final CommandRunner runner;
  final ClusterControl cluster;

  private InstanceContext(String jobId, InstanceConfig instance, CommandRunner runner) {
    this.jobId = jobId;
    this.instance = instance;
    this.runner = runner;
    this.cluster = new ClusterControl(runner, instance);
    MDC.put("job", jobId);
  }

  static InstanceContext open(RestoreflowConfig config, HostRunners runners, StepInput step) {
    InstanceConfig instance = config.instance(step.instance()).orElseThrow(() -> Failures.of(
        FailureType.UNKNOWN_INSTANCE, "instance '" + step.instance()
            + "' is not in this worker's config"));
    if (!config.hosts().containsKey(step.host())) {
      throw Failures.of(FailureType.UNKNOWN_HOST, "host '" + step.host()
          + "' is not in this worker's config");
    }
    try {
      config.requireRestoreHost(step.instance(), step.host());   // the resolver checked it too
    } catch (HostNotAllowedException e) {
      throw Failures.of(FailureType.HOST_NOT_ALLOWED, e.getMessage());
    }
    return new InstanceContext(step.jobId(), instance, runners.forHost(step.host()));
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
