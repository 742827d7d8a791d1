package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.JobNotice;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.util.List;
import org.slf4j.Logger;

/**
 * Sends a job's notices: each as an abandoned NotifyWorkflow child, so that the job ends at once
 * and the notice still arrives when a receiver comes back later. Only the events some webhook
 * takes are sent. Workflow-side; a notice that cannot be started is logged, never the job's end.
 */
final class JobNotices {

  private static final Logger log = Workflow.getLogger(JobNotices.class);

  private final String jobId;
  private final String kind;
  private final List<String> events;
  private int stalls;

  /** @param events the events the configured webhooks take; null or empty = none */
  JobNotices(String jobId, String kind, List<String> events) {
    this.jobId = jobId;
    this.kind = kind;
    this.events = events == null ? List.of() : events;
  }

  /** Sends the notice when some webhook takes {@code event}; waits only for the child's start. */
  void send(String event, String instance, String host, String backupId, String step,
      String message) {
    if (!events.contains(event)) {
      return;
    }
    String id = jobId + ":" + event
        + (event.equals(JobNotice.STALLED) ? ":" + (++stalls) : "");
    JobNotice notice = new JobNotice(id, jobId, kind, instance, host, event, backupId, step,
        message, Workflow.currentTimeMillis());
    NotifyWorkflow child = Workflow.newChildWorkflowStub(NotifyWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId("notify-" + id)
            .setTaskQueue(TaskQueues.SERVER)
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .build());
    try {
      Async.procedure(child::deliver, notice);
      Workflow.getWorkflowExecution(child).get();
    } catch (TemporalFailure e) {
      log.warn("job {}: notice {} not started: {}", jobId, id, e.getMessage());
    }
  }
}
