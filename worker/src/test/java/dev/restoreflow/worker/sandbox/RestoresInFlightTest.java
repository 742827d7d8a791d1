package dev.restoreflow.worker.sandbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.ledger.StepRow;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestoresInFlightTest {

  private static StepRow step(String name, String status, long startedAt) {
    return new StepRow("j1", name, status, startedAt, 0, null);
  }

  @Test
  void aJobThatHasNotTouchedTheClusterIsNotRestoringIt() {
    assertFalse(RestoresInFlight.isRestoring(List.of()), "queued");
    assertFalse(RestoresInFlight.isRestoring(List.of(step("PlanRestore", "RUNNING", 5),
        step("StopCluster", "PENDING", 0))), "planning");
  }

  @Test
  void aJobBetweenStopClusterAndStartClusterIsRestoringIt() {
    assertTrue(RestoresInFlight.isRestoring(List.of(step("PlanRestore", "DONE", 5),
        step("StopCluster", "RUNNING", 6))));
    assertTrue(RestoresInFlight.isRestoring(List.of(step("PlanRestore", "DONE", 5),
        step("StopCluster", "DONE", 6), step("WipeData", "DONE", 7),
        step("ProbackupRestore", "RUNNING", 8))));
    assertTrue(RestoresInFlight.isRestoring(List.of(step("PlanRestore", "DONE", 5),
        step("StopCluster", "DONE", 6), step("FetchS3", "DONE", 8),
        step("StartCluster", "RUNNING", 9))), "StartCluster has not started it yet");
  }

  @Test
  void aJobThatStartedTheClusterAgainIsNoLongerRestoringIt() {
    assertFalse(RestoresInFlight.isRestoring(List.of(step("PlanRestore", "DONE", 5),
        step("StopCluster", "DONE", 6), step("ProbackupRestore", "DONE", 8),
        step("StartCluster", "DONE", 9), step("VerifyCluster", "RUNNING", 10))));
  }
}
