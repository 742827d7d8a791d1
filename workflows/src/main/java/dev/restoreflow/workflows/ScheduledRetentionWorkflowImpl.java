package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.RetentionRequest;
import dev.restoreflow.workflows.model.RetentionResult;
import dev.restoreflow.workflows.model.ScheduledRetention;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Starts the job {@code retention-<schedule>-<UTC time>} in the host's queue like any other
 * retention job, always applying (what the schedule says is what a firing deletes).
 */
public class ScheduledRetentionWorkflowImpl implements ScheduledRetentionWorkflow {

  private static final DateTimeFormatter JOB_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @Override
  public RetentionResult run(ScheduledRetention scheduled) {
    String jobId = scheduled.schedule() + "-"
        + JOB_TIME.format(Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    RetentionWorkflow retention = Workflow.newChildWorkflowStub(RetentionWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(TaskQueues.retentionWorkflowId(jobId))
            .setTaskQueue(TaskQueues.SERVER)
            // cancelling or terminating the firing cancels its retention job cleanly
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
            .build());
    Workflow.getLogger(ScheduledRetentionWorkflowImpl.class)
        .info("schedule {} fired: retention job {}", scheduled.schedule(), jobId);
    RetentionRequest request = scheduled.request().applying()
        .withRequestedVia("schedule", scheduled.schedule());
    return retention.retention(request);
  }
}
