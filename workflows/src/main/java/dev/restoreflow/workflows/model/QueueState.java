package dev.restoreflow.workflows.model;

import java.util.List;

/** The {@code queue} query of a host queue: the job holding the host, then the waiting ones. */
public record QueueState(String host, QueueEntry running, List<QueueEntry> waiting) {

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
