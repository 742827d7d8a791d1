package dev.restoreflow.activities.config;

import java.util.List;

/**
 * A restore asked for a configured host the instance does not declare ({@code restoreHosts}).
 * Every way in (line gateway, CLI, the workflow's resolver, the host worker) reports this one
 * message, each with its own code (HOST_NOT_ALLOWED).
 */
public class HostNotAllowedException extends IllegalArgumentException {

  public HostNotAllowedException(String instance, String host, List<String> allowed) {
    super("instance '" + instance + "' may not be restored onto host '" + host + "'; it may be"
        + " restored onto: " + String.join(", ", allowed) + " (to allow it, add \"" + host
        + "\" to instances." + instance + ".restoreHosts in the config)");
  }
}
