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

  /** When each count was first seen (a count that moves in steps is dated by its step). */
  private final Deque<Sample> samples = new ArrayDeque<>();
  private long latest;

  /** Records {@code bytes} done at {@code nanos}; a count that went back starts afresh. */
  void add(long nanos, long bytes) {
    if (!samples.isEmpty() && bytes < samples.peekLast().bytes()) {
      samples.clear();
    }
    latest = nanos;
    if (samples.isEmpty() || bytes > samples.peekLast().bytes()) {
      samples.addLast(new Sample(nanos, bytes));
    }
    // the oldest sample kept is the last one at or before the window's start
    while (samples.size() > 1) {
      var it = samples.iterator();
      it.next();
      if (it.next().nanos() <= nanos - WINDOW.toNanos()) {
        samples.pollFirst();
      } else {
        break;
      }
    }
  }

  /**
   * Bytes per second from the window's first count to the newest look; 0 before a second count,
   * or when nothing moved for the whole window.
   */
  double perSecond() {
    if (samples.size() < 2) {
      return 0;
    }
    Sample first = samples.peekFirst();
    long nanos = latest - first.nanos();
    return nanos <= 0 ? 0 : (samples.peekLast().bytes() - first.bytes()) * 1e9 / nanos;
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
