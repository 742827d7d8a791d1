package dev.restoreflow.activities;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityNotExistsException;
import io.temporal.failure.TimeoutFailure;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Heartbeats an activity in the background while it blocks in a command, and notices
 * cancellation: once Temporal says the activity is cancelled (or timed out), {@link #stopped()}
 * turns true so the running command can be killed, and {@link #rethrowIfStopped()} ends the
 * activity with Temporal's exception. {@link #lost()} tells apart an attempt that Temporal lost
 * (its heartbeats did not arrive in time) from one that was asked to stop.
 */
public final class Heartbeats implements AutoCloseable {

  private static final Duration EVERY = Duration.ofSeconds(2);

  private final ActivityExecutionContext context;
  private final Supplier<Object> details;
  private final ScheduledExecutorService ticker;
  private final AtomicReference<ActivityCompletionException> stop = new AtomicReference<>();

  private Heartbeats(ActivityExecutionContext context, Supplier<Object> details) {
    this.context = context;
    this.details = details;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "heartbeat-" + context.getInfo().getActivityType());
      thread.setDaemon(true);
      return thread;
    });
    ticker.scheduleAtFixedRate(this::beat, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts heartbeating the current activity with whatever {@code details} returns. */
  public static Heartbeats start(Supplier<Object> details) {
    return new Heartbeats(Activity.getExecutionContext(), details);
  }

  public static Heartbeats start() {
    return start(() -> null);
  }

  private void beat() {
    if (stop.get() != null) {
      return;
    }
    try {
      context.heartbeat(details.get());
    } catch (ActivityCompletionException e) {
      stop.set(e);
    } catch (RuntimeException e) {
      // a heartbeat that could not be sent is retried at the next tick
    }
  }

  public boolean stopped() {
    return stop.get() != null;
  }

  /**
   * Whether this attempt is over because its heartbeats did not reach Temporal within the
   * heartbeat timeout — the server was down or unreachable — rather than because someone asked it
   * to stop: the SDK gave up locally, or the server, back again, no longer knows the attempt (it
   * timed it out and schedules the next one; a job that ended meanwhile looks the same here). Work
   * that can outlive its attempt goes on ({@link WorkInFlight}).
   */
  public boolean lost() {
    ActivityCompletionException e = stop.get();
    return e instanceof ActivityNotExistsException
        || e instanceof ActivityCanceledException && e.getCause() instanceof TimeoutFailure;
  }

  public void rethrowIfStopped() {
    ActivityCompletionException e = stop.get();
    if (e != null) {
      throw e;
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
