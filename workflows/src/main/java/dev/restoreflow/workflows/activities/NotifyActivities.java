package dev.restoreflow.workflows.activities;

import dev.restoreflow.workflows.model.JobNotice;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Sends a job's notice to every configured webhook that subscribes to its event, on the server's
 * task queue. Retried by Temporal until delivered; a webhook that already took the notice (by its
 * id) is not sent it again, so a retry after a partial delivery sends each webhook one copy.
 * Webhook URLs and tokens come from the worker's environment and are never logged.
 */
@ActivityInterface
public interface NotifyActivities {

  @ActivityMethod(name = "Notify")
  void notify(JobNotice notice);
}
