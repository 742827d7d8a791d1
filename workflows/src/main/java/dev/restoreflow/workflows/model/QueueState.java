package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A host queue's state: the job holding the host, then the waiting ones. It is the answer of
 * the {@code queue} query and the input a queue continues as new with.
 *
 * @param historyLimit events after which the queue continues as new (null = the default)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueueState(String host, QueueEntry running, List<QueueEntry> waiting,
    Integer historyLimit) {

  public QueueState {
    waiting = waiting == null ? List.of() : List.copyOf(waiting);
  }

  public static QueueState empty(String host) {
    return new QueueState(host, null, List.of(), null);
  }

  /** 0 = running now, 1 = next, ...; -1 = not in this queue. */
  public int positionOf(String workflowId) {
    if (running != null && running.workflowId().equals(workflowId)) {
      return 0;
    }
    for (int i = 0; i < waiting.size(); i++) {
      if (waiting.get(i).workflowId().equals(workflowId)) {
        return i + 1;
      }
    }
    return -1;
  }
}
