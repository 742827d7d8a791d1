package dev.restoreflow.activities.host;

import dev.restoreflow.activities.config.RestoreflowConfig;
import java.util.function.Function;

/**
 * What a host worker's steps work with: the config, the command runners of its hosts, and the
 * environment repository credentials are read from (named by the config, never logged).
 */
public record HostServices(RestoreflowConfig config, HostRunners runners,
    Function<String, String> environment) {

  public HostServices(RestoreflowConfig config, HostRunners runners) {
    this(config, runners, System::getenv);
  }
}
