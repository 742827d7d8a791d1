package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.ScheduledRestore;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

public class ScheduledRestoreWorkflowImpl implements ScheduledRestoreWorkflow {

  private static final DateTimeFormatter JOB_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @Override
  public RestoreResult run(ScheduledRestore scheduled) {
    String jobId = scheduled.schedule() + "-"
        + JOB_TIME.format(Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    RestoreWorkflow restore = Workflow.newChildWorkflowStub(RestoreWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(TaskQueues.restoreWorkflowId(jobId))
            .setTaskQueue(TaskQueues.SERVER)
            // cancelling or terminating the firing cancels its restore cleanly
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
            .build());
    Workflow.getLogger(ScheduledRestoreWorkflowImpl.class).info("schedule {} fired: job {}",
        scheduled.schedule(), jobId);
    return restore.restore(scheduled.request().withRequestedVia("schedule", scheduled.schedule()));
  }
}
