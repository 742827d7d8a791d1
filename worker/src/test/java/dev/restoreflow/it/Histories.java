package dev.restoreflow.it;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads facts out of a workflow's history, and its running activities out of its description. */
final class Histories {

  private Histories() {}

  /** How many times an activity of this type was scheduled (retries are not new schedules). */
  static long scheduled(WorkflowClient client, String workflowId, String activityType) {
    return events(client, workflowId).stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .filter(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName()
            .equals(activityType))
        .count();
  }

  /** The attempt number each started activity of this type ended on. */
  static List<Integer> attempts(WorkflowClient client, String workflowId, String activityType) {
    List<HistoryEvent> events = events(client, workflowId);
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
        .filter(e -> {
          long scheduledId = e.getActivityTaskStartedEventAttributes().getScheduledEventId();
          return events.stream().anyMatch(s -> s.getEventId() == scheduledId
              && s.getActivityTaskScheduledEventAttributes().getActivityType().getName()
                  .equals(activityType));
        })
        .map(e -> e.getActivityTaskStartedEventAttributes().getAttempt())
        .toList();
  }

  static List<HistoryEvent> events(WorkflowClient client, String workflowId) {
    return client.fetchHistory(workflowId).getHistory().getEventsList();
  }

  /** The workflow's activities that run or wait for their next attempt, as the server has them. */
  static List<PendingActivityInfo> pendingActivities(WorkflowClient client, String workflowId) {
    return client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build()).getPendingActivitiesList();
  }

  /** A pending activity's last heartbeat details read as {@code type} (it must have some). */
  static <T> T heartbeatDetails(PendingActivityInfo activity, Class<T> type) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(0,
        Optional.of(activity.getHeartbeatDetails()), type, type);
  }

  /**
   * {bytesDone, bytesTotal} of the pending activity {@code type}'s last heartbeat; empty until it
   * has sent one with both.
   */
  static Optional<long[]> heartbeatBytes(WorkflowClient client, String workflowId, String type) {
    for (PendingActivityInfo activity : pendingActivities(client, workflowId)) {
      if (activity.getActivityType().getName().equals(type) && activity.hasHeartbeatDetails()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> details = heartbeatDetails(activity, Map.class);
        if (details.get("bytesDone") instanceof Number done
            && details.get("bytesTotal") instanceof Number total) {
          return Optional.of(new long[] {done.longValue(), total.longValue()});
        }
      }
    }
    return Optional.empty();
  }
}
