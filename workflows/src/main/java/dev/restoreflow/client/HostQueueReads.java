package dev.restoreflow.client;

import dev.restoreflow.workflows.model.QueueState;
import io.temporal.client.WorkflowClient;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Reads of host queues shared by the callers that want them at the same time: at most one
 * {@code queue} query per host is in flight, and everyone who asks while it runs gets the answer
 * of the next one, started as soon as it ends. Each caller gets a state read after it asked.
 *
 * <p>Why: a host queue is one workflow, and while it handles a workflow task the Temporal server
 * holds back one query for it and refuses the others ("consistent query buffer is full"; history
 * MaxBufferedQueryCount, 1 by default), which the SDK retries after about a second. Fifty
 * submissions polling one busy queue each on their own spent most of their time in those retries.
 */
public final class HostQueueReads {

  private final Function<String, QueueState> query;
  private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "host-queue-read");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, OneHost> hosts = new ConcurrentHashMap<>();

  public HostQueueReads(WorkflowClient client) {
    this(host -> HostQueues.state(client, host));
  }

  /** @param query the query of one host's queue; it may throw, and its callers get that */
  HostQueueReads(Function<String, QueueState> query) {
    this.query = query;
  }

  /** A state of {@code host}'s queue from a query that started after this call did. */
  public QueueState read(String host) {
    return hosts.computeIfAbsent(host, OneHost::new).read();
  }

  private final class OneHost {
    private final String host;
    /** The query in flight, or null. */
    private CompletableFuture<QueueState> running;
    /** The query to start when {@link #running} ends: everyone who asked while it ran. */
    private CompletableFuture<QueueState> next;

    OneHost(String host) {
      this.host = host;
    }

    QueueState read() {
      CompletableFuture<QueueState> mine;
      boolean start = false;
      synchronized (this) {
        if (running == null) {
          running = mine = new CompletableFuture<>();
          start = true;
        } else {
          if (next == null) {
            next = new CompletableFuture<>();
          }
          mine = next;
        }
      }
      if (start) {
        CompletableFuture<QueueState> first = mine;
        readers.execute(() -> queryUntilNobodyWaits(first));
      }
      try {
        return mine.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        if (e.getCause() instanceof Error cause) {
          throw cause;
        }
        throw e;
      }
    }

    private void queryUntilNobodyWaits(CompletableFuture<QueueState> first) {
      CompletableFuture<QueueState> current = first;
      while (current != null) {
        try {
          current.complete(query.apply(host));
        } catch (RuntimeException | Error e) {
          current.completeExceptionally(e);
        }
        synchronized (this) {
          running = next;
          next = null;
          current = running;
        }
      }
    }
  }
}
