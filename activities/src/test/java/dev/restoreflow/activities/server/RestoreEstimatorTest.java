package dev.restoreflow.activities.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobOutcome;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreEstimate;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RTO estimate from a real ledger's past restores. */
class RestoreEstimatorTest {

  private static final long MIB = 1024 * 1024;

  @TempDir
  Path dir;

  /**
   * A succeeded restore of {@code instance}: {@code fixedMillis} of stop/start/verify and
   * {@code dataMillis} in the engine's restore step, measured as their sum.
   */
  private static void restored(JobLedger ledger, String job, String instance, long bytes,
      long fixedMillis, long dataMillis, long at) {
    String engineStep = "ProbackupRestore";
    long t = at;
    ledger.record(step(job, instance, Steps.STOP, t, t + fixedMillis / 2));
    t += fixedMillis / 2;
    ledger.record(step(job, instance, engineStep, t, t + dataMillis));
    t += dataMillis;
    ledger.record(step(job, instance, Steps.START, t, t + fixedMillis - fixedMillis / 2));
    ledger.record(new JobEvent(job, "restore-" + job, "run", "restore", instance, "local", "cli",
        RestoreRequest.of(instance), JobState.SUCCEEDED, null, null, at + 100_000, null,
        new JobOutcome("probackup", "SSCOAD", bytes, fixedMillis + dataMillis, false, null)));
  }

  private static JobEvent step(String job, String instance, String name, long start, long end) {
    return new JobEvent(job, "restore-" + job, "run", "restore", instance, "local", "cli",
        RestoreRequest.of(instance), JobState.RUNNING,
        new StepProgress(name, StepStatus.DONE, start, end, null), null, end);
  }

  @Test
  void threePastRestoresGiveStartStopPlusBytesAtTheirRate() {
    try (JobLedger ledger = new JobLedger(dir.resolve("ledger.db"))) {
      // 100 MiB at 10 MiB/s with 3 s of start/stop; the middle run is the median
      restored(ledger, "r1", "main1", 100 * MIB, 2_000, 9_000, 1_000);
      restored(ledger, "r2", "main1", 100 * MIB, 3_000, 10_000, 200_000);
      restored(ledger, "r3", "main1", 100 * MIB, 4_000, 20_000, 400_000);
      RestoreEstimator estimator = new RestoreEstimator(ledger);

      RestoreEstimate same = estimator.estimate("main1", "probackup", 100 * MIB);
      assertEquals(13L, same.seconds(), same.basis());
      assertEquals("median of 3 restores of main1: 10.0 MiB/s + 3.0 s start/stop", same.basis());

      RestoreEstimate big = estimator.estimate("main1", "probackup", 10_000 * MIB);
      assertEquals(1003L, big.seconds(), "a big restore is mostly its bytes");
      RestoreEstimate tiny = estimator.estimate("main1", "probackup", MIB);
      assertEquals(3L, tiny.seconds(), "a tiny one is mostly its start and stop");
      assertEquals("812.0 KiB/s", RestoreEstimator.rate(812 * 1024));
      assertEquals("12.0 B/s", RestoreEstimator.rate(12));
    }
  }

  @Test
  void withoutHistoryThereIsNoEstimate() {
    try (JobLedger ledger = new JobLedger(dir.resolve("ledger.db"))) {
      ledger.record(new JobEvent("failed", "restore-failed", "run", "restore", "main1", "local",
          "cli", RestoreRequest.of("main1"), JobState.FAILED, null, "boom", 1000, null,
          new JobOutcome("probackup", "SSCOAD", 100L, null, false, null)));
      RestoreEstimate none = new RestoreEstimator(ledger).estimate("main1", "probackup", 100);
      assertNull(none.seconds());
      assertEquals("no history", none.basis());
    }
  }

  @Test
  void anotherInstanceOfTheSameEngineIsTheFallback() {
    try (JobLedger ledger = new JobLedger(dir.resolve("ledger.db"))) {
      restored(ledger, "r1", "main2", 50 * MIB, 1_000, 5_000, 1_000);
      RestoreEstimator estimator = new RestoreEstimator(ledger);
      RestoreEstimate fallback = estimator.estimate("main1", "probackup", 100 * MIB);
      assertEquals(11L, fallback.seconds(), fallback.basis());
      assertTrue(fallback.basis().contains("of engine probackup on main2 (none of main1 yet)"),
          fallback.basis());
      assertNull(estimator.estimate("main1", "pgbackrest", 100 * MIB).seconds(),
          "another engine's history is no history");
    }
  }
}
