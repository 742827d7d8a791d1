package dev.restoreflow.worker;

import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.http.ExtraRoute;
import dev.restoreflow.worker.http.HttpApi;
import dev.restoreflow.worker.http.HttpReply;
import dev.restoreflow.worker.observe.Health;
import dev.restoreflow.worker.observe.HealthReport;
import dev.restoreflow.worker.observe.Metrics;
import dev.restoreflow.worker.observe.PrometheusText;
import dev.restoreflow.worker.observe.SdkMetrics;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.function.Supplier;

/**
 * {@code /metrics}, {@code /healthz} and {@code /readyz} on the HTTP API, without its token:
 * scrapers and probes, on loopback unless the API is bound elsewhere.
 */
final class ObservabilityRoutes implements AutoCloseable {

  private final Metrics metrics;
  private final Health health;

  private ObservabilityRoutes(Metrics metrics, Health health) {
    this.metrics = metrics;
    this.health = health;
  }

  /** Mounts the three routes on {@code http}; null when the HTTP API is off. */
  static ObservabilityRoutes mount(HttpApi http, RestoreflowConfig config, JobLedger ledger,
      WorkflowServiceStubs service, WorkflowClient client, SdkMetrics sdkMetrics) {
    if (http == null) {
      return null;
    }
    ObservabilityRoutes routes = new ObservabilityRoutes(
        new Metrics(config, ledger, client, sdkMetrics), new Health(config, service));
    http.mount(ExtraRoute.open("GET", "/metrics", r -> HttpReply.text(200,
        PrometheusText.CONTENT_TYPE, routes.metrics.prometheusText())));
    http.mount(ExtraRoute.open("GET", "/healthz", r -> report(routes.health::live)));
    http.mount(ExtraRoute.open("GET", "/readyz", r -> report(routes.health::ready)));
    return routes;
  }

  private static HttpReply report(Supplier<HealthReport> check) {
    HealthReport report = check.get();
    return HttpReply.json(report.httpStatus(), report);
  }

  @Override
  public void close() throws Exception {
    metrics.close();
    health.close();
  }
}
