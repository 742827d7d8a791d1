package dev.restoreflow.workflows;

import dev.restoreflow.workflows.activities.NotifyActivities;
import dev.restoreflow.workflows.model.JobNotice;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class NotifyWorkflowImpl implements NotifyWorkflow {

  /** A receiver down for a minute gets the notice within half a minute of coming back. */
  static final ActivityOptions DELIVERY = ActivityOptions.newBuilder()
      .setTaskQueue(TaskQueues.SERVER)
      .setStartToCloseTimeout(Duration.ofMinutes(2))
      .setScheduleToCloseTimeout(Duration.ofHours(24))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(0)
          .setDoNotRetry(FailureType.permanentNames())
          .build())
      .build();

  private final NotifyActivities notifier =
      Workflow.newActivityStub(NotifyActivities.class, DELIVERY);

  @Override
  public void deliver(JobNotice notice) {
    try {
      notifier.notify(notice);
    } catch (ActivityFailure e) {
      Workflow.getLogger(NotifyWorkflowImpl.class).error("notice {} not delivered: {}",
          notice.id(), JobFailures.rootMessage(e));
    }
  }
}
