package dev.restoreflow.activities.probackup;

import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.LeftoverProcesses;
import java.util.List;
import java.util.function.Predicate;

/**
 * Finds and kills pg_probackup processes that a dead worker left behind (a worker killed with
 * SIGKILL does not take its children along), with their descendants.
 */
final class StaleProcesses {

  private final CommandRunner runner;

  StaleProcesses(CommandRunner runner) {
    this.runner = runner;
  }

  /** Kills every {@code ... restore ... -D PGDATA} process (whatever wrapper ran it). */
  void killRestoresInto(String pgdata) {
    killMatching("restore", args -> {
      int d = args.indexOf("-D");
      return args.contains("restore") && d >= 0 && d + 1 < args.size()
          && args.get(d + 1).equals(pgdata);
    });
  }

  /** Kills every {@code ... backup -B CATALOG --instance NAME ...} process. */
  void killBackupsOf(String catalog, String instance) {
    killMatching("backup", args -> {
      int b = args.indexOf("-B");
      int i = args.indexOf("--instance");
      return args.contains("backup") && b >= 0 && b + 1 < args.size()
          && args.get(b + 1).equals(catalog) && i >= 0 && i + 1 < args.size()
          && args.get(i + 1).equals(instance);
    });
  }

  private void killMatching(String what, Predicate<List<String>> isStale) {
    // the pg_probackup a runuser started is matched itself, not the runuser
    new LeftoverProcesses(runner).kill(what, args -> !args.get(0).equals("runuser")
        && isStale.test(args));
  }
}
