package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.JobNotice;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Delivers one notice, for as long as the receivers need to come back (a day at most). A job
 * starts it as an abandoned child, so that the job ends at once and its notice still arrives.
 * Its workflow id is {@code notify-<notice id>}: a notice is started once.
 */
@WorkflowInterface
public interface NotifyWorkflow {

  @WorkflowMethod
  void deliver(JobNotice notice);
}
