package dev.restoreflow.worker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.uber.m3.tally.DurationBuckets;
import com.uber.m3.tally.Scope;
import com.uber.m3.util.Duration;
import dev.restoreflow.worker.temporal.EmbeddedTemporalServer;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Temporal SDK's metrics, kept by the tally reporter and rendered on the page. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SdkMetricsTest {

  @Test
  void countersAddUpGaugesKeepTheLastValueTimersAndHistogramsBecomeHistograms() throws Exception {
    try (SdkMetrics sdk = new SdkMetrics()) {
      Scope scope = sdk.scope().tagged(Map.of("namespace", "default", "task-queue", "q"));
      scope.counter("temporal_request").inc(2);
      scope.gauge("temporal_num_pollers").update(3);
      scope.timer("temporal_request_latency").record(Duration.ofMillis(40));
      scope.timer("temporal_request_latency").record(Duration.ofSeconds(3));
      scope.histogram("temporal_thing", DurationBuckets.linear(Duration.ofMillis(10),
          Duration.ofMillis(10), 3)).recordDuration(Duration.ofMillis(15));
      Thread.sleep(1500); // tally hands counters over every second
      scope.counter("temporal_request").inc(5);
      scope.gauge("temporal_num_pollers").update(1);
      PrometheusTextParser.Page page = waitFor(sdk, "temporal_request_total", 7);

      Map<String, String> labels = Map.of("namespace", "default", "task_queue", "q");
      assertEquals(7.0, page.value("temporal_request_total", labels).orElseThrow());
      assertEquals("counter", page.family("temporal_request_total").type());
      assertEquals(1.0, page.value("temporal_num_pollers", labels).orElseThrow());
      assertEquals(2.0, page.value("temporal_request_latency_seconds_count", labels).orElseThrow());
      assertEquals(3.04, page.value("temporal_request_latency_seconds_sum", labels).orElseThrow(),
          1e-6);
      assertEquals(1.0, page.value("temporal_request_latency_seconds_bucket",
          Map.of("task_queue", "q", "le", "0.05")).orElseThrow());
      assertEquals(1.0, page.value("temporal_thing_count", labels).orElseThrow());
    }
  }

  @Test
  void stubsBuiltWithTheScopeReportTheSdksRequests() throws Exception {
    try (SdkMetrics sdk = new SdkMetrics();
        EmbeddedTemporalServer server = EmbeddedTemporalServer.start(0)) {
      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(server.target())
              .setMetricsScope(sdk.scope()).build());
      try {
        for (int i = 0; i < 3; i++) {
          stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        }
        PrometheusTextParser.Page page = waitFor(sdk, "temporal_request_total", 3);
        assertTrue(page.value("temporal_request_total", Map.of("operation", "GetSystemInfo"))
            .orElseThrow() >= 3);
        assertTrue(page.value("temporal_request_latency_seconds_count",
            Map.of("operation", "GetSystemInfo")).orElseThrow() >= 3);
      } finally {
        stubs.shutdownNow();
      }
    }
  }

  /** Renders until {@code name} adds up to at least {@code atLeast} (tally reports each second). */
  private static PrometheusTextParser.Page waitFor(SdkMetrics sdk, String name, double atLeast)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      PrometheusText text = new PrometheusText();
      sdk.render(text);
      PrometheusTextParser.Page page = PrometheusTextParser.parse(text.text());
      double total = page.samples(name, Map.of()).stream()
          .mapToDouble(PrometheusTextParser.Sample::value).sum();
      if (total >= atLeast || System.currentTimeMillis() > deadline) {
        return page;
      }
      Thread.sleep(200);
    }
  }
}
