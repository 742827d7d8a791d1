package dev.restoreflow.worker.http;

import java.util.function.Function;

/**
 * A route another part of restoreflow mounts on the HTTP API without depending on its insides
 * (e.g. {@code /metrics}, {@code /healthz}, {@code /readyz}):
 *
 * <pre>{@code
 * http.mount(ExtraRoute.open("GET", "/metrics", r -> HttpReply.text(200,
 *     "text/plain; version=0.0.4", metrics.prometheusText())));
 * }</pre>
 *
 * A mounted route replaces the one with the same method and path (the three above answer 404
 * until mounted).
 */
public interface ExtraRoute {

  /** A path template: literal segments and {@code {name}} segments. */
  String path();

  String method();

  HttpReply handle(HttpRequestView r);

  /** Whether the request must carry the API's token (when one is configured). */
  default boolean needsToken() {
    return true;
  }

  /** A route that needs the token, as the API's own do. */
  static ExtraRoute of(String method, String path, Function<HttpRequestView, HttpReply> handler) {
    return new Simple(method, path, handler, true);
  }

  /** A route that answers without the token: probes and scrapers (loopback by default). */
  static ExtraRoute open(String method, String path, Function<HttpRequestView, HttpReply> handler) {
    return new Simple(method, path, handler, false);
  }

  record Simple(String method, String path, Function<HttpRequestView, HttpReply> handler,
      boolean needsToken) implements ExtraRoute {

    @Override
    public HttpReply handle(HttpRequestView r) {
      return handler.apply(r);
    }
  }
}
