package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.ScheduledBackup;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

public class ScheduledBackupWorkflowImpl implements ScheduledBackupWorkflow {

  private static final DateTimeFormatter JOB_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @Override
  public BackupResult run(ScheduledBackup scheduled) {
    String jobId = scheduled.schedule() + "-"
        + JOB_TIME.format(Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    BackupWorkflow backup = Workflow.newChildWorkflowStub(BackupWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(TaskQueues.backupWorkflowId(jobId))
            .setTaskQueue(TaskQueues.SERVER)
            // cancelling or terminating the firing cancels its backup cleanly
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
            .build());
    Workflow.getLogger(ScheduledBackupWorkflowImpl.class).info("schedule {} fired: backup job {}",
        scheduled.schedule(), jobId);
    return backup.backup(scheduled.request().withRequestedVia("schedule", scheduled.schedule()));
  }
}
