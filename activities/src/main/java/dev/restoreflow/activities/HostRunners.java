package dev.restoreflow.activities;

import dev.restoreflow.activities.exec.CommandRunner;

/** Gives the command runner of a configured host. */
@FunctionalInterface
public interface HostRunners {

  CommandRunner forHost(String host);
}
