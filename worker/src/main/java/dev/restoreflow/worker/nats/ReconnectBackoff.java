package dev.restoreflow.worker.nats;

import io.nats.client.ReconnectDelayHandler;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long the gateway waits before its next attempt to reach NATS: doubling from
 * {@link #FIRST} up to {@link #LONGEST}, each wait shortened by up to a quarter at random so
 * that several servers that lost NATS together do not all knock at once. jnats asks after every
 * round over the server list, forever.
 */
final class ReconnectBackoff implements ReconnectDelayHandler {

  static final Duration FIRST = Duration.ofMillis(250);
  static final Duration LONGEST = Duration.ofSeconds(10);

  private final DoubleSupplier random;

  /** @param random values in [0, 1) */
  ReconnectBackoff(DoubleSupplier random) {
    this.random = random;
  }

  @Override
  public Duration getWaitTime(long totalTries) {
    long doublings = Math.max(0, Math.min(totalTries - 1, 16));
    long millis = Math.min(LONGEST.toMillis(), FIRST.toMillis() << doublings);
    return Duration.ofMillis(millis - (long) (millis * 0.25 * random.getAsDouble()));
  }
}
