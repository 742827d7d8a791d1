package dev.restoreflow.activities;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * A short piece of an activity's work run on a thread of its own, so that it overlaps with what
 * the activity does meanwhile (a process on the host while the repository is read). The thread
 * logs with the activity's log context; {@link #join} gives its result or throws what it threw.
 */
public final class Aside<T> {

  private final CompletableFuture<T> result;

  private Aside(CompletableFuture<T> result) {
    this.result = result;
  }

  /** Starts {@code work} now on a new daemon thread named {@code name}. */
  public static <T> Aside<T> start(String name, Supplier<T> work) {
    Map<String, String> logContext = MDC.getCopyOfContextMap();
    return new Aside<>(CompletableFuture.supplyAsync(() -> {
      if (logContext != null) {
        MDC.setContextMap(logContext);
      }
      try {
        return work.get();
      } finally {
        MDC.clear();
      }
    }, task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      thread.start();
    }));
  }

  /** Waits for the work: its result, or the RuntimeException or Error it threw. */
  public T join() {
    try {
      return result.join();
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

  /** Waits for the work to end, whatever its outcome (which the caller no longer needs). */
  public void await() {
    try {
      result.join();
    } catch (RuntimeException ignored) {
      // its failure is of no use to the caller any more
    }
  }
}
