package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chaos harness's check at a kill: when PostgreSQL running on a data directory is wrong. */
class PartialDataWatchTest {

  private static final Set<String> WRITING = ChaosJobKind.WRITING_STEPS;

  @TempDir
  Path dir;

  @Test
  void postgresRunningDuringWipeDataOrTheRestoreStepIsAViolation() {
    Path pgdata = dir.resolve("main1");
    for (String step : List.of("WipeData", "ProbackupRestore", "FetchS3")) {
      PartialDataWatch.AtKill check = PartialDataWatch.atKill(pgdata, steps(step, step),
          WRITING, p -> true);
      assertEquals("PostgreSQL ran on " + pgdata + " during " + step, check.violation());
      assertTrue(check.postgresRunning());
    }
  }

  @Test
  void aRestoreStepThatEndedWhileTheClusterWasLookedAtIsNoViolation() {
    PartialDataWatch.AtKill check = PartialDataWatch.atKill(dir.resolve("main1"),
        steps("ProbackupRestore", "StartCluster"), WRITING, p -> true);
    assertNull(check.violation());
    assertEquals("StartCluster", check.step(), "the step last asked, just before the kill");
  }

  @Test
  void postgresRunningBesideTheUnfinishedRestoreMarkerIsAViolationInAnyStep() throws Exception {
    Path pgdata = dir.resolve("main1");
    Path marker = Files.writeString(dir.resolve("main1.restoreflow-incomplete"), "job x");
    assertEquals(marker, PartialDataWatch.marker(pgdata));
    PartialDataWatch.AtKill check = PartialDataWatch.atKill(pgdata,
        steps("VerifyCluster", "VerifyCluster"), WRITING, p -> true);
    assertEquals("PostgreSQL ran on " + pgdata + " while main1.restoreflow-incomplete existed",
        check.violation());
  }

  @Test
  void aStoppedClusterIsNeverAViolationNorARunningOneAfterTheRestore() throws Exception {
    Path pgdata = dir.resolve("main1");
    Files.writeString(dir.resolve("main1.restoreflow-incomplete"), "job x");
    PartialDataWatch.AtKill stopped = PartialDataWatch.atKill(pgdata,
        steps("WipeData", "WipeData"), WRITING, p -> false);
    assertNull(stopped.violation());
    assertFalse(stopped.postgresRunning());
    Files.delete(dir.resolve("main1.restoreflow-incomplete"));
    for (String step : List.of("StartCluster", "Promote", "VerifyCluster", "TakeBackup")) {
      assertNull(PartialDataWatch.atKill(pgdata, steps(step, step), WRITING, p -> true)
          .violation(), step);
    }
  }

  /** A job asked twice: first {@code before}, then {@code after}. */
  private static java.util.function.Supplier<String> steps(String before, String after) {
    Iterator<String> answers = List.of(before, after).iterator();
    return answers::next;
  }
}
