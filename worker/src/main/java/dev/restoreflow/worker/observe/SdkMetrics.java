package dev.restoreflow.worker.observe;

import com.uber.m3.tally.Buckets;
import com.uber.m3.tally.Capabilities;
import com.uber.m3.tally.CapableOf;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.StatsReporter;
import com.uber.m3.util.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Temporal SDK's own metrics (requests, polls, task latencies, slots, ...), kept in memory by
 * a tally {@link StatsReporter} behind the {@link #scope()} given to the server's
 * WorkflowServiceStubs (the WorkerFactory takes its scope from there). Counters add up the deltas
 * tally reports, gauges keep the last value, timers become histograms in seconds, tally histograms
 * keep their bucket counts. {@link #render} writes them in the Prometheus text format.
 */
public final class SdkMetrics implements AutoCloseable {

  /** How often tally hands counters and gauges to this reporter (timers are handed at once). */
  private static final Duration REPORT_EVERY = Duration.ofSeconds(1);

  private record Key(String name, Map<String, String> tags) {
    static Key of(String name, Map<String, String> tags) {
      return new Key(name, tags == null ? Map.of() : Map.copyOf(tags));
    }
  }

  private final Map<Key, AtomicLong> counters = new ConcurrentHashMap<>();
  private final Map<Key, Double> gauges = new ConcurrentHashMap<>();
  private final Map<Key, Histogram> timers = new ConcurrentHashMap<>();
  /** Tally histograms: per series, the count per bucket upper bound. */
  private final Map<Key, Map<Double, Long>> histograms = new ConcurrentHashMap<>();
  private volatile Scope scope;

  /** The tally scope to set on WorkflowServiceStubsOptions (created on first use). */
  public synchronized Scope scope() {
    if (scope == null) {
      scope = new RootScopeBuilder().reporter(new Reporter()).reportEvery(REPORT_EVERY);
    }
    return scope;
  }

  /** What tally calls: it reports counters as deltas, gauges as values, each timer record. */
  private final class Reporter implements StatsReporter {

    @Override
    public void reportCounter(String name, Map<String, String> tags, long value) {
      counters.computeIfAbsent(Key.of(name, tags), k -> new AtomicLong()).addAndGet(value);
    }

    @Override
    public void reportGauge(String name, Map<String, String> tags, double value) {
      gauges.put(Key.of(name, tags), value);
    }

    @Override
    public void reportTimer(String name, Map<String, String> tags, Duration interval) {
      Histogram histogram = timers.computeIfAbsent(Key.of(name, tags),
          k -> Histogram.of(Histogram.RPC_SECONDS));
      synchronized (histogram) {
        histogram.observe(interval.getSeconds());
      }
    }

    @Override
    public void reportHistogramValueSamples(String name, Map<String, String> tags, Buckets buckets,
        double bucketLowerBound, double bucketUpperBound, long samples) {
      addSamples(Key.of(name, tags), bucketUpperBound, samples);
    }

    @Override
    public void reportHistogramDurationSamples(String name, Map<String, String> tags,
        Buckets buckets, Duration bucketLowerBound, Duration bucketUpperBound, long samples) {
      addSamples(Key.of(name, tags), bucketUpperBound.getSeconds(), samples);
    }

    private void addSamples(Key key, double upperBound, long samples) {
      histograms.computeIfAbsent(key, k -> new ConcurrentSkipListMap<>())
          .merge(upperBound, samples, Long::sum);
    }

    @Override
    public Capabilities capabilities() {
      return CapableOf.REPORTING_TAGGING;
    }

    @Override
    public void flush() {
      // everything is kept in memory as it arrives
    }

    @Override
    public void close() {
      // SdkMetrics.close closes the scope, which calls this
    }
  }

  /** Stops tally's reporting thread. */
  @Override
  public synchronized void close() {
    if (scope != null) {
      try {
        scope.close();
      } catch (Exception ignored) {
        // the reporting thread ends with the process anyway
      }
      scope = null;
    }
  }

  /**
   * Writes every series: counters as {@code <name>_total}, gauges as they are, timers as
   * histograms {@code <name>_seconds}, tally histograms with their own buckets (without
   * {@code _sum}: tally does not report one). Names and tags are made valid Prometheus names;
   * a name that two families would share (after that) is written once.
   */
  public void render(PrometheusText text) {
    for (var family : byName(counters).entrySet()) {
      String name = withSuffix(family.getKey(), "_total");
      if (text.has(name)) {
        continue;
      }
      text.family(name, "counter", "Temporal SDK counter " + family.getKey());
      family.getValue().forEach((tags, value) -> text.sample(name, tags, value.get()));
    }
    for (var family : byName(gauges).entrySet()) {
      String name = PrometheusText.metricName(family.getKey());
      if (text.has(name)) {
        continue;
      }
      text.family(name, "gauge", "Temporal SDK gauge " + family.getKey());
      family.getValue().forEach((tags, value) -> text.sample(name, tags, value));
    }
    for (var family : byName(timers).entrySet()) {
      String name = withSuffix(family.getKey(), "_seconds");
      if (text.has(name)) {
        continue;
      }
      text.family(name, "histogram", "Temporal SDK timer " + family.getKey() + ", in seconds");
      family.getValue().forEach((tags, histogram) -> {
        synchronized (histogram) {
          text.histogram(name, tags, histogram);
        }
      });
    }
    for (var family : byName(histograms).entrySet()) {
      String name = PrometheusText.metricName(family.getKey());
      if (text.has(name)) {
        continue;
      }
      text.family(name, "histogram", "Temporal SDK histogram " + family.getKey()
          + " (bucket counts only)");
      family.getValue().forEach((tags, buckets) -> {
        Histogram histogram = Histogram.withoutSum(buckets.keySet().stream()
            .filter(bound -> !bound.isInfinite()).mapToDouble(Double::doubleValue).toArray());
        buckets.forEach(histogram::addToBucket);
        text.histogram(name, tags, histogram);
      });
    }
  }

  private static String withSuffix(String rawName, String suffix) {
    String name = PrometheusText.metricName(rawName);
    return name.endsWith(suffix) ? name : name + suffix;
  }

  /** Series grouped by family name, in name order, with their tags made valid label names. */
  private static <V> Map<String, Map<Map<String, String>, V>> byName(Map<Key, V> series) {
    Map<String, Map<Map<String, String>, V>> families = new TreeMap<>();
    series.forEach((key, value) -> {
      Map<String, String> labels = new LinkedHashMap<>();
      key.tags().forEach((tag, tagValue) -> labels.put(PrometheusText.labelName(tag), tagValue));
      families.computeIfAbsent(key.name(), n -> new LinkedHashMap<>()).put(labels, value);
    });
    return families;
  }
}
