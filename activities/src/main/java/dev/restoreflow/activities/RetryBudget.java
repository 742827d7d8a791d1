package dev.restoreflow.activities;

import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;

/**
 * How long a step's transient failure is worth retrying. The workflow retries host steps without
 * a count; the step decides when to stop: an unreachable host is waited for up to an hour from
 * the step's first attempt (a host that reboots comes back), anything else fails for good after
 * the step's 5th attempt (10th for the long ones: an engine's restore step, TakeBackup).
 */
final class RetryBudget {

  static final Duration UNREACHABLE_HOST = Duration.ofHours(1);
  static final int ATTEMPTS = 5;
  static final int RESTORE_ATTEMPTS = 10;

  private RetryBudget() {}

  /** A transient failure of the running activity: retryable while its budget lasts. */
  static ApplicationFailure failure(FailureType type, String message) {
    ActivityInfo info = currentActivity();
    if (info == null) {
      return ApplicationFailure.newFailure(message, type.name());
    }
    String exhausted = exhausted(type, info.getActivityType(), info.getAttempt(),
        info.getScheduledTimestamp(), System.currentTimeMillis());
    return exhausted == null ? ApplicationFailure.newFailure(message, type.name())
        : ApplicationFailure.newNonRetryableFailure(message + " (" + exhausted + ")", type.name());
  }

  /**
   * Why no more attempts are worth it, or null while they are.
   *
   * @param firstScheduledMillis when the step's first attempt was scheduled
   */
  static String exhausted(FailureType type, String step, int attempt, long firstScheduledMillis,
      long nowMillis) {
    if (type == FailureType.HOST_UNREACHABLE) {
      Duration unreachable = Duration.ofMillis(nowMillis - firstScheduledMillis);
      return unreachable.compareTo(UNREACHABLE_HOST) < 0 ? null
          : "gave up after " + attempt + " attempts: the host has been unreachable for "
              + unreachable.toMinutes() + " min; check the host and run the job again";
    }
    int limit = Steps.SHORT_STEPS.contains(step) ? ATTEMPTS : RESTORE_ATTEMPTS;
    return attempt < limit ? null : "gave up after " + attempt + " attempts";
  }

  private static ActivityInfo currentActivity() {
    try {
      return Activity.getExecutionContext().getInfo();
    } catch (IllegalStateException | NullPointerException notInAnActivity) {
      return null;
    }
  }
}
