package dev.restoreflow.activities.notify;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs a notice's body to a webhook, within a time limit. Redirects are not followed. What it
 * reports never holds the URL or the token: only a status code or the kind of failure.
 */
public final class WebhookPoster {

  /** Connecting, and the whole exchange: at most {@link #LIMIT} per webhook. */
  static final Duration CONNECT = Duration.ofSeconds(10);
  static final Duration LIMIT = Duration.ofSeconds(10);

  private final HttpClient client;
  private final Duration limit;

  public WebhookPoster() {
    this(CONNECT, LIMIT);
  }

  WebhookPoster(Duration connect, Duration limit) {
    this.client = HttpClient.newBuilder()
        .connectTimeout(connect)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    this.limit = limit;
  }

  /**
   * What happened to one POST.
   *
   * @param status the HTTP status, 0 when there was none
   * @param problem why there was no status (e.g. "connection refused"), or null
   */
  public record Sent(int status, String problem) {

    public Answer answer() {
      return status == 0 ? Answer.RETRY : Answer.of(status);
    }

    /** "HTTP 503" or the problem: safe to log. */
    public String describe() {
      return status == 0 ? problem : "HTTP " + status;
    }
  }

  /** @param idempotencyKey the notice's id: a receiver that saw it already can drop the copy */
  public Sent post(WebhookEndpoint endpoint, String idempotencyKey, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.url())
        .timeout(limit)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("User-Agent", "restoreflow")
        .header("Idempotency-Key", idempotencyKey)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (endpoint.token() != null) {
      request.header("Authorization", "Bearer " + endpoint.token());
    }
    CompletableFuture<HttpResponse<Void>> exchange =
        client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
    try {
      // the request's own timeout covers the wait for the headers; this bounds the body too
      return new Sent(exchange.get(limit.toMillis() + 1000, TimeUnit.MILLISECONDS).statusCode(),
          null);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      return new Sent(0, "no answer within " + limit.toSeconds() + " s");
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      return new Sent(0, "interrupted");
    } catch (ExecutionException e) {
      return new Sent(0, kind(e.getCause()));
    }
  }

  /** The kind of a failure, without its message (which may quote the URL). */
  static String kind(Throwable failure) {
    if (failure instanceof HttpConnectTimeoutException) {
      return "no connection within " + CONNECT.toSeconds() + " s";
    }
    if (failure instanceof HttpTimeoutException) {
      return "no answer in time";
    }
    if (failure instanceof ConnectException) {
      return "cannot connect";
    }
    if (failure instanceof javax.net.ssl.SSLException) {
      return "TLS handshake failed";
    }
    if (failure instanceof IOException) {
      return "I/O error (" + failure.getClass().getSimpleName() + ")";
    }
    return "failed (" + (failure == null ? "unknown" : failure.getClass().getSimpleName()) + ")";
  }
}
