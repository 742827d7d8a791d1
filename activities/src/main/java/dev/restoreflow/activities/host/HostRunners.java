package dev.restoreflow.activities.host;

import dev.restoreflow.activities.exec.CommandRunner;

/** Gives the command runner of a configured host, and of the worker's own machine. */
public interface HostRunners {

  CommandRunner forHost(String host);

  /** The machine this worker runs on (where a worker-side pg_probackup catalog lives). */
  CommandRunner worker();
}
