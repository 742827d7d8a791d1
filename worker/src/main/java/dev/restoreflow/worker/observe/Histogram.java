package dev.restoreflow.worker.observe;

import java.util.Arrays;

/**
 * Counts of observations by upper bound, their sum and count (a Prometheus histogram). Not
 * thread-safe: callers that share one synchronize on it.
 */
public final class Histogram {

  /** Seconds, from a second to a day: job and step durations. */
  static final double[] JOB_SECONDS = {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600,
      86400};
  /** Seconds, from 5 ms to a minute (long polls): the Temporal SDK's timers. */
  static final double[] RPC_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
      60};

  private final double[] bounds;
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last one: above every bound. */
  private final long[] counts;
  private final boolean hasSum;
  private double sum;

  private Histogram(double[] bounds, boolean hasSum) {
    double[] sorted = bounds.clone();
    Arrays.sort(sorted);
    this.bounds = sorted;
    this.counts = new long[sorted.length + 1];
    this.hasSum = hasSum;
  }

  public static Histogram of(double... upperBounds) {
    return new Histogram(upperBounds, true);
  }

  /** A histogram fed bucket counts only (tally's histograms report no sum). */
  static Histogram withoutSum(double... upperBounds) {
    return new Histogram(upperBounds, false);
  }

  public void observe(double value) {
    counts[bucketOf(value)]++;
    sum += value;
  }

  /** {@code n} observations somewhere at or below {@code upperBound} (and above the bound before). */
  void addToBucket(double upperBound, long n) {
    counts[bucketOf(upperBound)] += n;
  }

  private int bucketOf(double value) {
    for (int i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        return i;
      }
    }
    return bounds.length;
  }

  double[] upperBounds() {
    return bounds.clone();
  }

  /** One per upper bound, then the +Inf bucket (= the count). */
  long[] cumulativeCounts() {
    long[] cumulative = new long[counts.length];
    long running = 0;
    for (int i = 0; i < counts.length; i++) {
      running += counts[i];
      cumulative[i] = running;
    }
    return cumulative;
  }

  long count() {
    return Arrays.stream(counts).sum();
  }

  boolean hasSum() {
    return hasSum;
  }

  double sum() {
    return sum;
  }
}
