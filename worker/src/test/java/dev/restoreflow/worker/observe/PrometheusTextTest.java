package dev.restoreflow.worker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exposition format as a scraper reads it (parsed by a parser written from the format). */
class PrometheusTextTest {

  @Test
  void labelValuesWithBackslashQuoteAndNewlineComeBackUnchanged() {
    String nasty = "C:\\dir \"quoted\"\nsecond line";
    String page = new PrometheusText()
        .family("restoreflow_x", "gauge", "help with \\ and\na newline")
        .sample("restoreflow_x", Map.of("instance", nasty, "a", "plain"), 1.5)
        .text();

    assertTrue(page.contains("instance=\"C:\\\\dir \\\"quoted\\\"\\nsecond line\""), page);
    PrometheusTextParser.Page parsed = PrometheusTextParser.parse(page);
    PrometheusTextParser.Family family = parsed.family("restoreflow_x");
    assertEquals("gauge", family.type());
    assertEquals("help with \\ and\na newline", family.help());
    assertEquals(nasty, family.samples().get(0).labels().get("instance"));
    assertEquals(1.5, parsed.value("restoreflow_x", Map.of("instance", nasty)).orElseThrow());
  }

  @Test
  void histogramHasCumulativeBucketsEndingWithInfEqualToCountAndTheSum() {
    Histogram h = Histogram.of(1, 5, 15);
    for (double v : new double[] {0.2, 1, 3, 7, 100}) {
      h.observe(v);
    }
    String page = new PrometheusText()
        .family("restoreflow_d_seconds", "histogram", "durations")
        .histogram("restoreflow_d_seconds", Map.of("step", "FetchS3"), h)
        .text();

    PrometheusTextParser.Page parsed = PrometheusTextParser.parse(page);
    assertEquals(2.0, bucket(parsed, "1"));
    assertEquals(3.0, bucket(parsed, "5"));
    assertEquals(4.0, bucket(parsed, "15"));
    assertEquals(5.0, bucket(parsed, "+Inf"));
    assertEquals(5.0, parsed.value("restoreflow_d_seconds_count", Map.of()).orElseThrow());
    assertEquals(111.2, parsed.value("restoreflow_d_seconds_sum", Map.of()).orElseThrow(), 1e-9);
    assertTrue(page.contains("restoreflow_d_seconds_bucket{step=\"FetchS3\",le=\"+Inf\"} 5\n"), page);
  }

  @Test
  void valuesUseGoFloatForms() {
    assertEquals("3", PrometheusText.number(3.0));
    assertEquals("0.25", PrometheusText.number(0.25));
    assertEquals("+Inf", PrometheusText.number(Double.POSITIVE_INFINITY));
    assertEquals("-Inf", PrometheusText.number(Double.NEGATIVE_INFINITY));
    assertEquals("NaN", PrometheusText.number(Double.NaN));
    assertEquals("1.0E20", PrometheusText.number(1e20));
    PrometheusTextParser.parse(new PrometheusText().family("x", "gauge", "h")
        .sample("x", Map.of("v", "a"), 1e20).sample("x", Map.of("v", "b"), Double.NaN).text());
  }

  @Test
  void invalidNamesAndATwiceWrittenFamilyAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new PrometheusText().family("9lives", "gauge", "h"));
    assertThrows(IllegalArgumentException.class,
        () -> new PrometheusText().family("x", "gauge", "h").family("x", "gauge", "h"));
    assertThrows(IllegalArgumentException.class,
        () -> new PrometheusText().family("x", "gauge", "h").sample("x", Map.of("a-b", "v"), 1));
    assertThrows(IllegalArgumentException.class,
        () -> new PrometheusText().family("x", "gauge", "h").sample("x", Map.of("__x", "v"), 1));
    assertEquals("temporal_request_latency", PrometheusText.metricName("temporal.request-latency"));
    assertEquals("_9x", PrometheusText.metricName("9x"));
    assertEquals("task_queue", PrometheusText.labelName("task-queue"));
  }

  @Test
  void theParserRejectsWhatAScraperWouldReject() {
    assertThrows(AssertionError.class, () -> PrometheusTextParser.parse("x 1\n"),
        "a sample without TYPE");
    assertThrows(AssertionError.class, () -> PrometheusTextParser.parse(
        "# TYPE x gauge\nx{a=\"b\"} 1\n# TYPE y gauge\ny 1\nx{a=\"c\"} 2\n"), "a split family");
    assertThrows(AssertionError.class, () -> PrometheusTextParser.parse(
        "# TYPE x gauge\nx{a=\"b\\q\"} 1\n"), "a bad escape");
    assertThrows(AssertionError.class, () -> PrometheusTextParser.parse(
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n"),
        "buckets not cumulative");
    assertThrows(AssertionError.class, () -> PrometheusTextParser.parse(
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n"), "no +Inf bucket");
    assertThrows(AssertionError.class, () -> PrometheusTextParser.parse(
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\n"), "+Inf differs from count");
    assertThrows(AssertionError.class, () -> PrometheusTextParser.parse(
        "# TYPE x gauge\nx 1\nx 2\n"), "a series twice");
  }

  private static double bucket(PrometheusTextParser.Page page, String le) {
    return page.value("restoreflow_d_seconds_bucket", Map.of("step", "FetchS3", "le", le))
        .orElseThrow();
  }
}
