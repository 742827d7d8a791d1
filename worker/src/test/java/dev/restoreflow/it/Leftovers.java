package dev.restoreflow.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Processes a killed attempt could leave behind (a worker killed with SIGKILL does not take its
 * children along): anything whose command line names a data directory or a pg_probackup catalog,
 * and pg_basebackup of one of the clusters — but not PostgreSQL itself. After a job has ended, nothing of the kind may
 * run: a restore left running would write into the data directory of a started cluster.
 */
final class Leftovers {

  private Leftovers() {}

  /** Such processes now, pid -> command line, among those this test did not start itself. */
  static Map<Long, String> running(List<String> paths, List<Integer> ports) {
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .filter(p -> !p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
        .filter(p -> p.info().commandLine().map(line -> paths.stream().anyMatch(line::contains)
            || line.contains("pg_basebackup")
                && ports.stream().anyMatch(port -> line.contains(" -p " + port + " ")))
            .orElse(false))
        .collect(Collectors.toMap(ProcessHandle::pid,
            p -> p.info().commandLine().orElse("?"), (a, b) -> a));
  }

  /**
   * Those running now and still 3 s later (a command the worker runs at this moment, e.g. a
   * status check, is gone by then).
   */
  static List<String> lasting(List<String> paths, List<Integer> ports)
      throws InterruptedException {
    Map<Long, String> first = running(paths, ports);
    if (first.isEmpty()) {
      return List.of();
    }
    Thread.sleep(3000);
    Set<Long> still = running(paths, ports).keySet();
    List<String> left = new ArrayList<>();
    first.forEach((pid, line) -> {
      if (still.contains(pid)) {
        left.add(pid + " " + line);
      }
    });
    return left;
  }
}
