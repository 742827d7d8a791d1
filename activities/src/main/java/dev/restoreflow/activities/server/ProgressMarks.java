package dev.restoreflow.activities.server;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import java.util.zip.CRC32C;

/**
 * A job's progress as Temporal sees it, reduced to a mark for the stall watchdog: the running
 * activities' types, attempts and last heartbeat details (the bytes and files the steps report).
 * Equal marks some minutes apart mean nothing moved.
 */
final class ProgressMarks {

  static final String NONE = "none";

  private ProgressMarks() {}

  static String of(WorkflowClient client, String workflowId) {
    DescribeWorkflowExecutionResponse described = client.getWorkflowServiceStubs().blockingStub()
        .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build());
    if (described.getPendingActivitiesCount() == 0) {
      return NONE;
    }
    StringBuilder mark = new StringBuilder();
    for (PendingActivityInfo activity : described.getPendingActivitiesList()) {
      CRC32C details = new CRC32C();
      details.update(activity.getHeartbeatDetails().toByteArray());
      mark.append(activity.getActivityType().getName()).append('#')
          .append(activity.getAttempt()).append(':')
          .append(Long.toHexString(details.getValue())).append(' ');
    }
    return mark.toString().trim();
  }
}
