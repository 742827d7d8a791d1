package dev.restoreflow.activities.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills the processes a dead worker left running on a host (a worker killed with SIGKILL does
 * not take its children along: a pg_probackup or pgbackrest run by a step goes on), with their
 * descendants: a retried step must not run beside them, nor wait for the lock they hold.
 */
public final class LeftoverProcesses {

  private static final Logger log = LoggerFactory.getLogger(LeftoverProcesses.class);

  private final CommandRunner runner;

  public LeftoverProcesses(CommandRunner runner) {
    this.runner = runner;
  }

  /**
   * Kills every process whose argv {@code isLeftover} accepts, and their descendants.
   *
   * @param what what they are, for the log
   * @return how many processes were killed
   */
  public int kill(String what, Predicate<List<String>> isLeftover) {
    String table = runner.runChecked(Command.of(List.of("ps", "-eo", "pid=,ppid=,args="), null,
        Duration.ofSeconds(30))).stdout();
    List<long[]> parents = new ArrayList<>();
    Set<Long> leftover = new HashSet<>();
    for (String row : table.split("\n")) {
      String[] parts = row.strip().split("\\s+", 3);
      if (parts.length < 3) {
        continue;
      }
      long pid = Long.parseLong(parts[0]);
      parents.add(new long[] {pid, Long.parseLong(parts[1])});
      if (isLeftover.test(List.of(parts[2].split(" ")))) {
        leftover.add(pid);
      }
    }
    if (leftover.isEmpty()) {
      return 0;
    }
    boolean grew = true;
    while (grew) {
      grew = false;
      for (long[] pair : parents) {
        if (leftover.contains(pair[1]) && leftover.add(pair[0])) {
          grew = true;
        }
      }
    }
    log.warn("killing {} processes left by a previous attempt: {}", what, leftover);
    List<String> kill = new ArrayList<>(List.of("kill", "-KILL"));
    leftover.forEach(pid -> kill.add(String.valueOf(pid)));
    runner.run(Command.of(kill, null, Duration.ofSeconds(30)));
    try {
      Thread.sleep(500);   // the kernel releases their locks once they are gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return leftover.size();
  }
}
