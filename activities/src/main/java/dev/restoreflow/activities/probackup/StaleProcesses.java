package dev.restoreflow.activities.probackup;

import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and kills pg_probackup processes that a dead worker left behind (a worker killed with
 * SIGKILL does not take its children along), with their descendants.
 */
final class StaleProcesses {

  private static final Logger log = LoggerFactory.getLogger(StaleProcesses.class);

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

  private void killMatching(String what, java.util.function.Predicate<List<String>> isStale) {
    String table = runner.runChecked(Command.of(List.of("ps", "-eo", "pid=,ppid=,args="), null,
        Duration.ofSeconds(30))).stdout();
    List<long[]> parents = new ArrayList<>();
    Set<Long> stale = new HashSet<>();
    for (String row : table.split("\n")) {
      String[] parts = row.strip().split("\\s+", 3);
      if (parts.length < 3) {
        continue;
      }
      long pid = Long.parseLong(parts[0]);
      parents.add(new long[] {pid, Long.parseLong(parts[1])});
      List<String> args = List.of(parts[2].split(" "));
      if (isStale.test(args) && !args.get(0).equals("runuser")) {
        stale.add(pid);
      }
    }
    if (stale.isEmpty()) {
      return;
    }
    boolean grew = true;
    while (grew) {
      grew = false;
      for (long[] pair : parents) {
        if (stale.contains(pair[1]) && stale.add(pair[0])) {
          grew = true;
        }
      }
    }
    log.warn("killing {} processes left by a previous attempt: {}", what, stale);
    List<String> kill = new ArrayList<>(List.of("kill", "-KILL"));
    stale.forEach(pid -> kill.add(String.valueOf(pid)));
    runner.run(Command.of(kill, null, Duration.ofSeconds(30)));
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
