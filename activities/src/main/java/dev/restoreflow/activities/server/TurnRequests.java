package dev.restoreflow.activities.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The jobs this server process has already asked their host's queue for (the latest
 * {@link #REMEMBERED}). A job asks once when it starts and again every 2 minutes while it waits;
 * only the later asks need to look whether the queue knows the job (so that it gets no second
 * request), the first can be sent at once. A job this process does not remember (the server
 * restarted, or more jobs wait than it remembers) is sent its request without that look; the
 * queue ignores a job it knows, so that costs one signal, never a second place in the queue.
 */
final class TurnRequests {

  static final int REMEMBERED = 20_000;

  private final int capacity;
  private final Map<String, Boolean> asked;

  TurnRequests() {
    this(REMEMBERED);
  }

  TurnRequests(int capacity) {
    this.capacity = capacity;
    this.asked = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > TurnRequests.this.capacity;
      }
    };
  }

  /** Whether this is the first request of {@code workflowId} that this process sees. */
  synchronized boolean isFirst(String workflowId) {
    return asked.put(workflowId, Boolean.TRUE) == null;
  }
}
