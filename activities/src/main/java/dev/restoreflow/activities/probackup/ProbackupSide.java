package dev.restoreflow.activities.probackup;

import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.host.HostStep;

/**
 * Where pg_probackup runs for a step: on the database host (its runner), or on the worker's
 * machine with remote options pointing at an ssh database host (both layouts of seed 000).
 */
record ProbackupSide(CommandRunner runner, ProbackupCommands.Remote remote) {

  static ProbackupSide of(HostStep step) {
    HostConfig h = step.hostConfig();
    if (step.instance().settings(ProbackupConfig.class).runsOnWorker() && h != null && h.isSsh()) {
      return new ProbackupSide(step.services().runners().worker(), new ProbackupCommands.Remote(
          h.address(), h.port(), h.user(), h.privateKey(), h.knownHosts()));
    }
    return new ProbackupSide(step.runner(), null);
  }
}
