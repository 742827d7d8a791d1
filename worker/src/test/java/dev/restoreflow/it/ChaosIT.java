package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Random kills, many times: {@link ChaosRun} on real processes. In CI: 2 jobs (the first kills the
 * worker, the server and Temporal; the next the worker; 2, not 3, to keep the suite within its
 * 30 minutes). {@code bench/chaos} runs the same test with more jobs:
 * <pre>
 *   -Dchaos.jobs=N        jobs with kills (default 2)
 *   -Dchaos.seed=S        replays a run (default: a new seed, printed)
 *   -Dchaos.window=SEC    how long each job's slowed step lasts (default 3; bench/chaos: 6)
 *   -Dchaos.report=FILE   where the table goes too (default target/chaos-report.txt)
 *   -Dchaos.keep=true     keeps the run's files (logs, Temporal state, ledger) after a pass too
 * </pre>
 * Passes only if every job ended SUCCEEDED with its data verified, no step before the killed one
 * ran twice, and PostgreSQL never ran on partial data.
 */
class ChaosIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(6);

  @Test
  void everyJobSurvivesSigkillsAtRandomMomentsWithItsDataVerified() throws Exception {
    int jobs = Integer.getInteger("chaos.jobs", 2);
    long seed = Long.getLong("chaos.seed", new java.security.SecureRandom().nextInt(1_000_000));
    // short in CI; bench/chaos asks for 6 s
    int window = Integer.getInteger("chaos.window", 3);
    Path reportFile = Path.of(System.getProperty("chaos.report", "target/chaos-report.txt"));
    ChaosRun.Settings settings = new ChaosRun.Settings(jobs, seed, window, JOB_LIMIT);
    // every job is bounded by JOB_LIMIT (and its backup check by as much again); setup is minutes
    Duration bound = Duration.ofMinutes(5).plus(JOB_LIMIT.multipliedBy(2L * (jobs + 5)));
    Path dir = ItSandbox.root().resolve("chaos-" + UUID.randomUUID().toString()
        .substring(0, 8));
    ChaosReport report = assertTimeoutPreemptively(bound, () -> {
      try (ChaosRig rig = ChaosRig.start(dir, 5_000)) {
        return new ChaosRun(rig, settings, System.out).run();
      }
    });
    String table = report.render();
    System.out.println(table);
    Files.createDirectories(reportFile.toAbsolutePath().getParent());
    Files.writeString(reportFile, "seed " + seed + "\n" + table);
    assertTrue(report.passed(), "the chaos run failed (seed " + seed + ", files in " + dir
        + "):\n" + table);
    if (!Boolean.getBoolean("chaos.keep")) {
      deleteQuietly(dir);
    }
  }

  private static void deleteQuietly(Path dir) throws java.io.IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
