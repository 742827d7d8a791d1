package dev.restoreflow.it;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.util.List;

/** Reads facts out of a workflow's history. */
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
}
