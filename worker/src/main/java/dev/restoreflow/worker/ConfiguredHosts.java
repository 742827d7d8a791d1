package dev.restoreflow.worker;

import dev.restoreflow.activities.HostRunners;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.RestoreflowConfig;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;

/** The command runner of each configured host. */
final class ConfiguredHosts implements HostRunners {

  private final RestoreflowConfig config;
  private final CommandRunner local = new LocalCommandRunner(Redactor.NONE);

  ConfiguredHosts(RestoreflowConfig config) {
    this.config = config;
  }

  @Override
  public CommandRunner forHost(String host) {
    HostConfig hostConfig = config.hosts().get(host);
    if (hostConfig == null) {
      throw new IllegalArgumentException("host '" + host + "' is not configured");
    }
    return local;
  }
}
