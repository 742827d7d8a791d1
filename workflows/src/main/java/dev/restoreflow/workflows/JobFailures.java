package dev.restoreflow.workflows;

import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.CancellationScope;

/** How a failed step becomes the job's failure: its type, and a message for people. */
final class JobFailures {

  private JobFailures() {}

  /** The job's failure for a step that failed: the step's failure type, and where the data is. */
  static ApplicationFailure of(ActivityFailure e, String dataState) {
    Throwable cause = lastAttemptFailure(e);
    String type = FailureType.COMMAND_FAILED.name();
    if (cause instanceof ApplicationFailure app) {
      type = app.getType();
    } else if (cause instanceof TimeoutFailure timeout
        && timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
      type = FailureType.UNKNOWN_HOST.name();
    }
    String where = dataState == null ? "" : " (data directory: " + dataState + ")";
    return ApplicationFailure.newNonRetryableFailureWithCause(rootMessage(e) + where, type, e);
  }

  /**
   * What the step's last attempt ended with: a step whose schedule-to-close time ran out while
   * retrying carries its last attempt's failure as the timeout's cause.
   */
  private static Throwable lastAttemptFailure(ActivityFailure e) {
    Throwable cause = e.getCause();
    if (cause instanceof TimeoutFailure timeout
        && timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE
        && timeout.getCause() != null) {
      return timeout.getCause();
    }
    return cause;
  }

  /** Whether the failure carries this type (e.g. WIPE_REFUSED). */
  static boolean hasType(ActivityFailure e, FailureType type) {
    return e.getCause() instanceof ApplicationFailure app && type.name().equals(app.getType());
  }

  /**
   * A cancelled job sees its running activity fail: with a CanceledFailure cause, or with
   * whatever the activity ended with once it noticed the cancel.
   */
  static boolean isCancellation(ActivityFailure e) {
    return e.getCause() instanceof CanceledFailure
        || CancellationScope.current().isCancelRequested();
  }

  static String rootMessage(ActivityFailure e) {
    Throwable cause = lastAttemptFailure(e);
    String gaveUp = cause == e.getCause() ? ""
        : e.getActivityType() + " gave up after retrying for its time limit; last attempt: ";
    if (cause instanceof ApplicationFailure app) {
      return gaveUp + app.getOriginalMessage();
    }
    if (cause instanceof TimeoutFailure timeout) {
      if (timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
        return gaveUp + "no worker serves " + e.getActivityType() + " on this host's task queue;"
            + " start one with: restoreflow worker --host <host>";
      }
      return gaveUp + e.getActivityType() + " timed out (" + timeout.getTimeoutType() + ")";
    }
    return gaveUp + (cause != null ? cause.getMessage() : e.getMessage());
  }
}
