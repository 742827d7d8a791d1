package dev.restoreflow.activities.host;

import dev.restoreflow.activities.config.Inventory;
import java.util.function.Function;

/**
 * What a host worker's steps work with: the config, the command runners of its hosts, and the
 * environment repository credentials are read from (named by the config, never logged).
 */
public record HostServices(Inventory config, HostRunners runners,
    Function<String, String> environment) {

  public HostServices(Inventory config, HostRunners runners) {
    this(config, runners, System::getenv);
  }
}
