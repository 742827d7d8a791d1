package dev.restoreflow.activities;

import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

  private static final long START = 1_000_000L;

  private static long after(Duration d) {
    return START + d.toMillis();
  }

  @Test
  void anUnreachableHostIsWaitedForAnHourWhateverTheAttemptCount() {
    assertNull(RetryBudget.exhausted(FailureType.HOST_UNREACHABLE, Steps.WIPE, 40, START,
        after(Duration.ofMinutes(59))));
    String gaveUp = RetryBudget.exhausted(FailureType.HOST_UNREACHABLE, Steps.WIPE, 41, START,
        after(Duration.ofMinutes(61)));
    assertNotNull(gaveUp);
    assertTrue(gaveUp.contains("unreachable for 61 min"), gaveUp);
  }

  @Test
  void otherTransientFailuresStopAfterFiveAttemptsOrTenForTheRestoreStep() {
    assertNull(RetryBudget.exhausted(FailureType.COMMAND_FAILED, Steps.START, 4, START, START));
    assertNotNull(RetryBudget.exhausted(FailureType.COMMAND_FAILED, Steps.START, 5, START, START));
    assertNull(RetryBudget.exhausted(FailureType.COMMAND_TIMEOUT, ProbackupActivities.RESTORE_STEP, 9, START, START));
    assertNotNull(RetryBudget.exhausted(FailureType.STORAGE_FAILED, BaseBackupActivities.FETCH_STEP, 10, START, START));
  }
}
