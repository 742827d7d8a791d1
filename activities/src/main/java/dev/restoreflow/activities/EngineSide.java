package dev.restoreflow.activities;

import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.RestoreflowConfig;
import dev.restoreflow.activities.engine.ProbackupEngine;
import dev.restoreflow.activities.exec.CommandRunner;

/**
 * Where pg_probackup runs for a step: on the database host (its runner), or on the worker's
 * machine with remote options pointing at an ssh database host (both layouts of seed 000).
 */
record EngineSide(CommandRunner runner, ProbackupEngine.Remote remote) {

  static EngineSide of(RestoreflowConfig config, HostRunners runners, InstanceContext ctx,
      String host) {
    InstanceConfig instance = ctx.instance;
    HostConfig h = config.hosts().get(host);
    if (instance.probackup().runsOnWorker() && h != null && h.isSsh()) {
      return new EngineSide(runners.worker(), new ProbackupEngine.Remote(h.address(), h.port(),
          h.user(), h.privateKey(), h.knownHosts()));
    }
    return new EngineSide(ctx.runner, null);
  }
}
