package dev.restoreflow.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Bytes per second over the last {@link #WINDOW} of samples, and the time left at that rate.
 * Times are the caller's (nanoseconds of any monotonic clock): pure arithmetic, no clock read.
 */
final class ByteRate {

  static final Duration WINDOW = Duration.ofSeconds(10);

  private record Sample(long nanos, long bytes) {}

  private final Deque<Sample> samples = new ArrayDeque<>();

  /** Records {@code bytes} done at {@code nanos}; a count that went back starts afresh. */
  void add(long nanos, long bytes) {
    if (!samples.isEmpty() && bytes < samples.peekLast().bytes()) {
      samples.clear();
    }
    if (!samples.isEmpty() && samples.peekLast().bytes() == bytes
        && samples.size() > 1) {
      // the same count again: the newest sample moves forward in time (the rate falls)
      samples.pollLast();
    }
    samples.addLast(new Sample(nanos, bytes));
    // keep one sample at or before the window's start, so the window spans all of it
    while (samples.size() > 2) {
      var it = samples.iterator();
      it.next();
      Sample second = it.next();
      if (nanos - second.nanos() >= WINDOW.toNanos()) {
        samples.pollFirst();
      } else {
        break;
      }
    }
  }

  /** Bytes per second over the window; 0 before two samples or when nothing moved. */
  double perSecond() {
    if (samples.size() < 2) {
      return 0;
    }
    Sample first = samples.peekFirst();
    Sample last = samples.peekLast();
    long nanos = last.nanos() - first.nanos();
    return nanos <= 0 ? 0 : (last.bytes() - first.bytes()) * 1e9 / nanos;
  }

  /** The time left for {@code total - done} bytes at the current rate; null when unknown. */
  Duration eta(long done, long total) {
    double rate = perSecond();
    if (rate <= 0 || total <= 0 || done > total) {
      return null;
    }
    return Duration.ofSeconds((long) Math.ceil((total - done) / rate));
  }
}
