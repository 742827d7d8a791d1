package dev.restoreflow.activities.host;

import dev.restoreflow.activities.WorkInFlight;
import dev.restoreflow.activities.config.Inventory;
import java.util.function.Function;

/**
 * What a host worker's steps work with: the config, the command runners of its hosts, the
 * environment repository credentials are read from (named by the config, never logged), and the
 * work its steps left running when Temporal lost their attempts.
 */
public record HostServices(Inventory config, HostRunners runners,
    Function<String, String> environment, WorkInFlight workInFlight) {

  public HostServices(Inventory config, HostRunners runners,
      Function<String, String> environment) {
    this(config, runners, environment, new WorkInFlight());
  }

  public HostServices(Inventory config, HostRunners runners) {
    this(config, runners, System::getenv);
  }
}
