package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.RestoreInto;

/** Placeholder of the lead's branch: the scratch engineer's version replaces it at merge. */
public final class ScratchTargets {

  private ScratchTargets() {}

  public static RestoreInto resolve(String instanceName, InstanceConfig instance, String jobId,
      RestoreInto asked) {
    if (instance.scratch() == null) {
      throw new RequestRejectedException(FailureType.INVALID_REQUEST, "instances." + instanceName
          + ".scratch is not configured: set scratch.root to restore clones and drills");
    }
    String directory = asked.directory() != null ? asked.directory()
        : instance.scratch().root() + "/" + instanceName + "-" + (jobId == null ? "scratch" : jobId);
    int port = asked.port() != null ? asked.port()
        : instance.scratch().port() != null ? instance.scratch().port() : instance.port() + 1;
    return new RestoreInto(directory, port, asked.database());
  }
}
