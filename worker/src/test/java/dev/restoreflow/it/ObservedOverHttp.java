package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /healthz}, {@code /readyz} and {@code /metrics} as a scraper and a probe get them from a
 * running {@code restoreflow dev}: on its HTTP API, without a token.
 */
final class ObservedOverHttp {

  private static final Pattern API = Pattern.compile("HTTP API: +curl (http://127\\.0\\.0\\.1:\\d+)/");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private ObservedOverHttp() {}

  /**
   * @param devOutput what dev printed when it came up (it names the API's address)
   * @param succeededRestores the restore jobs that succeeded on it
   */
  static void assertServed(String devOutput, int succeededRestores) throws Exception {
    Matcher api = API.matcher(devOutput);
    assertTrue(api.find(), "dev names its HTTP API: " + devOutput);
    String base = api.group(1);

    HttpResponse<String> live = get(base + "/healthz");
    assertEquals(200, live.statusCode(), live.body());
    assertTrue(live.body().contains("\"ok\":true"), live.body());

    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HttpResponse<String> ready = get(base + "/readyz");
    while (ready.statusCode() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(1000);   // the host worker's first poll may not be listed yet
      ready = get(base + "/readyz");
    }
    assertEquals(200, ready.statusCode(), ready.body());

    HttpResponse<String> metrics = get(base + "/metrics");
    assertEquals(200, metrics.statusCode(), metrics.body());
    assertTrue(metrics.headers().firstValue("Content-Type").orElse("")
        .startsWith("text/plain; version=0.0.4"), metrics.headers().toString());
    Pattern restores = Pattern.compile("(?m)^restoreflow_jobs\\{(?=[^}]*kind=\"restore\")"
        + "(?=[^}]*state=\"SUCCEEDED\")[^}]*} (\\S+)$");
    Matcher succeeded = restores.matcher(metrics.body());
    assertTrue(succeeded.find(), metrics.body());
    assertEquals(succeededRestores, (int) Double.parseDouble(succeeded.group(1)), succeeded.group());
  }

  private static HttpResponse<String> get(String uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
