package dev.restoreflow.worker.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The HTTP API of {@code restoreflow server} (and {@code dev}).
 *
 * @param bind address to listen on; loopback unless configured otherwise
 * @param port 0 = any free port
 * @param tokenEnv name of an environment variable holding a shared token that every request
 *     must carry ({@code Authorization: Bearer ...}); null = no token. The line gateway's rules.
 * @param threads requests handled at once; the others wait in a queue
 * @param maxQueuedRequests requests waiting for a thread; beyond that a new one is closed
 * @param maxConnections open connections; beyond that a new one is closed at once (per process)
 * @param maxBodyBytes largest request body; a larger one gets 413 and starts nothing
 * @param readTimeoutSeconds how long one whole request (headers and body) may take to arrive;
 *     a slower client is cut off (per process)
 * @param maxStreams requests that hold a thread while a job runs (event streams, {@code
 *     ?wait=true}) at once; beyond that 503
 * @param streamSeconds how long an event stream or a {@code ?wait=true} lasts at most
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record HttpConfig(
    Boolean enabled,
    String bind,
    Integer port,
    String tokenEnv,
    Integer threads,
    Integer maxQueuedRequests,
    Integer maxConnections,
    Integer maxBodyBytes,
    Integer readTimeoutSeconds,
    Integer maxStreams,
    Integer streamSeconds) {

  public static HttpConfig defaults() {
    return new HttpConfig(true, "127.0.0.1", 8080, null, 16, 512, 512, 64 * 1024, 10, 8, 3600);
  }

  public HttpConfig withPort(int newPort) {
    return new HttpConfig(enabled, bind, newPort, tokenEnv, threads, maxQueuedRequests,
        maxConnections, maxBodyBytes, readTimeoutSeconds, maxStreams, streamSeconds);
  }

  /** The defaults, switched off. */
  public static HttpConfig off() {
    HttpConfig d = defaults();
    return new HttpConfig(false, d.bind, d.port, null, d.threads, d.maxQueuedRequests,
        d.maxConnections, d.maxBodyBytes, d.readTimeoutSeconds, d.maxStreams, d.streamSeconds);
  }

  public HttpConfig withTokenEnv(String newTokenEnv) {
    return new HttpConfig(enabled, bind, port, newTokenEnv, threads, maxQueuedRequests,
        maxConnections, maxBodyBytes, readTimeoutSeconds, maxStreams, streamSeconds);
  }
}
