package dev.restoreflow.it;

import dev.restoreflow.activities.cluster.UnfinishedRestore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches data directories for a PostgreSQL running on partial data: a postmaster on the
 * directory while the unfinished-restore marker ({@code <pgdata>.restoreflow-incomplete}) lies
 * beside it. Looks every 200 ms for the whole run, and {@link #atKill} checks one directory
 * against the step the job is in when the test kills.
 */
final class PartialDataWatch implements AutoCloseable {

  static final String MARKER_SUFFIX = UnfinishedRestore.SUFFIX;
  private static final long EVERY_MILLIS = 200;

  private final Map<String, Path> pgdataByInstance;
  private final List<String> violations = new ArrayList<>();
  private final AtomicLong looks = new AtomicLong();
  private final AtomicLong markedLooks = new AtomicLong();
  private final Thread thread;
  private volatile boolean stopped;

  PartialDataWatch(Map<String, Path> pgdataByInstance) {
    this.pgdataByInstance = Map.copyOf(pgdataByInstance);
    this.thread = new Thread(this::watch, "partial-data-watch");
    thread.setDaemon(true);
    thread.start();
  }

  static Path marker(Path pgdata) {
    return pgdata.resolveSibling(pgdata.getFileName() + MARKER_SUFFIX);
  }

  /**
   * True while a postmaster serves {@code pgdata}: a process started as
   * {@code postgres -D pgdata} (pg_ctl's way), whichever user runs it.
   */
  static boolean postmasterRunning(Path pgdata) {
    String dir = pgdata.toString();
    return ProcessHandle.allProcesses().anyMatch(p -> p.info().arguments()
        .filter(args -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
        .map(args -> {
          for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-D") && args[i + 1].equals(dir)) {
              return true;
            }
          }
          return false;
        })
        .orElse(false));
  }

  /**
   * What the check at a kill saw.
   *
   * @param step the job's step when last asked, just before the kill
   */
  record AtKill(String step, boolean postgresRunning, String violation) {}

  /**
   * The check at a kill: PostgreSQL must not run on {@code pgdata} while the job is in a step
   * that writes the data directory ({@code writingSteps}) or while the marker exists. The step
   * is asked before and after the postmaster is looked for (twice, around the marker), so a step
   * ending or a cluster starting in between cannot raise a false alarm.
   */
  static AtKill atKill(Path pgdata, Supplier<String> currentStep, Set<String> writingSteps) {
    return atKill(pgdata, currentStep, writingSteps, PartialDataWatch::postmasterRunning);
  }

  /** {@link #atKill} with another way to tell whether PostgreSQL runs (for tests). */
  static AtKill atKill(Path pgdata, Supplier<String> currentStep, Set<String> writingSteps,
      Predicate<Path> postgresRuns) {
    String before = currentStep.get();
    boolean running = postgresRuns.test(pgdata);
    boolean marked = Files.exists(marker(pgdata));
    boolean stillRunning = running && postgresRuns.test(pgdata);
    String after = currentStep.get();
    if (!stillRunning) {
      return new AtKill(after, running, null);
    }
    if (writingSteps.contains(before) && before.equals(after)) {
      return new AtKill(after, true, "PostgreSQL ran on " + pgdata + " during " + before);
    }
    if (marked) {
      return new AtKill(after, true, "PostgreSQL ran on " + pgdata + " while "
          + marker(pgdata).getFileName() + " existed");
    }
    return new AtKill(after, true, null);
  }

  private void watch() {
    while (!stopped) {
      boolean anyMarked = false;
      for (Map.Entry<String, Path> e : pgdataByInstance.entrySet()) {
        Path pgdata = e.getValue();
        boolean running = postmasterRunning(pgdata);
        boolean marked = Files.exists(marker(pgdata));
        anyMarked |= marked;
        if (running && marked && postmasterRunning(pgdata)) {
          synchronized (violations) {
            violations.add(java.time.LocalTime.now() + " " + e.getKey()
                + ": PostgreSQL runs while " + marker(pgdata).getFileName() + " exists");
          }
        }
      }
      looks.incrementAndGet();
      if (anyMarked) {
        markedLooks.incrementAndGet();
      }
      try {
        Thread.sleep(EVERY_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  List<String> violations() {
    synchronized (violations) {
      return List.copyOf(violations);
    }
  }

  long looks() {
    return looks.get();
  }

  /** How many looks found a marker (so the check had something to check). */
  long markedLooks() {
    return markedLooks.get();
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    thread.join(5_000);
  }
}
