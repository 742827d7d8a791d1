package dev.restoreflow.worker.observe;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value read in the background and kept for a while: a scrape gets the last value at once and,
 * when the last read began {@code maxAge} ago or more, starts one new read (never two at a time;
 * a read that fails is not tried again sooner either). Only while no value was read yet does a get
 * wait, and only up to the time it is given. A failed read keeps the last value.
 */
final class Refreshing<T> {

  private static final Logger log = LoggerFactory.getLogger(Refreshing.class);

  /** A value and when its read ended (epoch milliseconds). */
  record Value<T>(T value, long readAtMillis) {}

  private final String what;
  private final Supplier<T> read;
  private final long maxAgeMillis;
  private final Executor executor;
  private final LongSupplier clock;
  private volatile Value<T> last;
  private CompletableFuture<Void> running;
  /** When the last read began; none yet = Long.MIN_VALUE. */
  private long lastReadBegan = Long.MIN_VALUE;
  private boolean failing;

  Refreshing(String what, Supplier<T> read, Duration maxAge, Executor executor, LongSupplier clock) {
    this.what = what;
    this.read = read;
    this.maxAgeMillis = maxAge.toMillis();
    this.executor = executor;
    this.clock = clock;
  }

  /** The last value read, if any; waits up to {@code firstWait} when none was read yet. */
  Optional<Value<T>> get(Duration firstWait) {
    CompletableFuture<Void> refresh = refreshIfOld();
    if (last == null && refresh != null) {
      try {
        refresh.get(firstWait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception slowOrFailed) {
        // the page goes out without this value; the read goes on for the next scrape
      }
    }
    return Optional.ofNullable(last);
  }

  /**
   * Starts a read now unless one runs or the last one began at or after {@code millis}: the value
   * is known to have changed then (e.g. a backup job ended).
   */
  synchronized void readAgainIfReadBefore(long millis) {
    if (running == null && lastReadBegan != Long.MIN_VALUE && lastReadBegan < millis) {
      lastReadBegan = clock.getAsLong();
      running = CompletableFuture.runAsync(this::readOnce, executor);
    }
  }

  private synchronized CompletableFuture<Void> refreshIfOld() {
    long now = clock.getAsLong();
    boolean due = lastReadBegan == Long.MIN_VALUE || now - lastReadBegan >= maxAgeMillis;
    if (due && running == null) {
      lastReadBegan = now;
      running = CompletableFuture.runAsync(this::readOnce, executor);
    }
    return running;
  }

  private void readOnce() {
    try {
      T value = read.get();
      last = new Value<>(value, clock.getAsLong());
      synchronized (this) {
        failing = false;
      }
    } catch (RuntimeException e) {
      boolean first;
      synchronized (this) {
        first = !failing;
        failing = true;
      }
      if (first) {
        log.warn("metrics: reading {} failed ({}); the last value read stays until a read"
            + " succeeds", what, e.toString());
      }
      throw e;
    } finally {
      synchronized (this) {
        running = null;
      }
    }
  }
}
