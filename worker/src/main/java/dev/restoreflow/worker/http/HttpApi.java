package dev.restoreflow.worker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.config.ConfigException;
import dev.restoreflow.worker.config.HttpConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.gateway.GatewayError;
import dev.restoreflow.worker.gateway.SharedToken;
import io.temporal.client.WorkflowException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of {@code restoreflow server} and {@code dev} (JDK {@code com.sun.net.httpserver}):
 * the seed's {@code /pgBackRest/*} paths, the JSON API under {@code /api/v1}, and routes mounted
 * by others ({@link #mount}). Every request is checked (token, method, path, body size) before
 * its route runs; every error is a problem+json answer; a bounded pool of threads serves them.
 */
public final class HttpApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final int BLOCK = 8192;

  private final HttpConfig config;
  private final SharedToken token;
  private final Router router;
  private final HttpServer server;
  private final ThreadPoolExecutor pool;

  private HttpApi(HttpConfig config, SharedToken token, Router router, HttpServer server,
      ThreadPoolExecutor pool) {
    this.config = config;
    this.token = token;
    this.router = router;
    this.server = server;
    this.pool = pool;
  }

  /**
   * The API of {@code config}, its token read from the environment variable the config names;
   * null when the config switches it off.
   */
  public static HttpApi forConfig(RestoreflowConfig config, RestoreflowClient restoreflow,
      JobLedger ledger) throws IOException {
    HttpConfig http = config.http();
    if (!Boolean.TRUE.equals(http.enabled())) {
      return null;
    }
    SharedToken token = SharedToken.fromEnvironment("http.tokenEnv", http.tokenEnv(),
        System::getenv);
    return start(config, restoreflow, ledger, token, SeedRoutes.ENGINE);
  }

  /**
   * The API of {@code config} with the given token.
   *
   * @param seedEngine the engine whose instances the seed's {@code /pgBackRest/*} paths serve:
   *     {@code pgbackrest}; a test may point them at another engine to exercise them
   */
  public static HttpApi start(RestoreflowConfig config, RestoreflowClient restoreflow,
      JobLedger ledger, SharedToken token, String seedEngine) throws IOException {
    return start(config.http(), token,
        ApiRoutes.standard(config, restoreflow, ledger, seedEngine));
  }

  static HttpApi start(HttpConfig config, SharedToken token, Router router) throws IOException {
    JdkServerLimits.apply(config);
    HttpServer server;
    try {
      server = HttpServer.create(
          new InetSocketAddress(InetAddress.getByName(config.bind()), config.port()), 128);
    } catch (java.net.BindException e) {
      throw new ConfigException("http.port", "cannot listen on " + config.bind() + ":"
          + config.port() + " (" + e.getMessage() + "); choose another http.port, or set"
          + " http.enabled to false");
    }
    AtomicInteger threadNumber = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(config.threads(), config.threads(), 60,
        TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.maxQueuedRequests()), r -> {
          Thread thread = new Thread(r, "http-api-" + threadNumber.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    // a request beyond the queue is refused by the executor: the JDK server then closes it
    server.setExecutor(pool);
    HttpApi api = new HttpApi(config, token, router, server, pool);
    server.createContext("/", api::serve);
    server.start();
    log.info("HTTP API listening on {}:{} ({})", config.bind(), api.port(), token);
    return api;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Adds a route, or replaces the one with the same method and path. */
  public void mount(ExtraRoute route) {
    router.mount(route);
  }

  private void serve(HttpExchange exchange) {
    String client = exchange.getRemoteAddress().getAddress().getHostAddress() + ":"
        + exchange.getRemoteAddress().getPort();
    HttpReply reply;
    try {
      reply = answer(exchange, client);
    } catch (Problem p) {
      log.info("http: {} {} from {}: {} {}", exchange.getRequestMethod(),
          shorten(exchange.getRequestURI().getPath()), client, p.status(), p.code());
      reply = p.reply();
    }
    try {
      write(exchange, reply);
    } catch (IOException gone) {
      log.debug("http: {} went away: {}", client, gone.getMessage());
    } catch (RuntimeException e) {
      log.warn("http: the answer to {} broke off: {}", client, e.toString());
    } finally {
      exchange.close();
    }
  }

  private HttpReply answer(HttpExchange exchange, String client) {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    Router.Match match = router.match(method, path == null ? "" : path);
    ExtraRoute route = match instanceof Router.Found found ? found.route() : null;
    if (route == null || route.needsToken()) {
      checkToken(exchange.getRequestHeaders().getFirst("Authorization"));
    }
    if (match instanceof Router.NoSuchPath) {
      throw new Problem(404, Problem.NOT_FOUND, "no such path: " + shorten(path)
          + "; the API is described at /api/v1/openapi.json");
    }
    if (match instanceof Router.WrongMethod wrong) {
      return new Problem(405, Problem.METHOD_NOT_ALLOWED, method + " is not allowed on "
          + shorten(path) + "; allowed: " + String.join(", ", wrong.allowed())).reply()
          .withHeader("Allow", String.join(", ", wrong.allowed()));
    }
    Router.Found found = (Router.Found) match;
    HttpRequestView request = new HttpRequestView(method, path,
        query(exchange.getRequestURI().getRawQuery()), headers(exchange),
        body(exchange), found.params(), client);
    try {
      return found.route().handle(request);
    } catch (Problem p) {
      throw p;
    } catch (RequestRejectedException e) {
      throw Problem.of(e);
    } catch (WorkflowException | io.grpc.StatusRuntimeException e) {
      log.error("http: Temporal did not answer for {} {}: {}", method, path, e.getMessage());
      throw new Problem(503, GatewayError.UNAVAILABLE, "the Temporal server did not answer; try"
          + " again, and check `restoreflow server` logs");
    } catch (RuntimeException e) {
      log.error("http: {} {} from {} failed", method, path, client, e);
      throw new Problem(500, GatewayError.INTERNAL, "the request failed inside restoreflow ("
          + e.getClass().getSimpleName() + "); see the server log");
    }
  }

  private void checkToken(String authorization) {
    String presented = null;
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      presented = authorization.substring(7).strip();
    }
    switch (token.check(presented)) {
      case ACCEPTED -> { }
      case MISSING -> throw new Problem(401, GatewayError.TOKEN_REQUIRED, "this API wants the"
          + " shared token in every request: Authorization: Bearer <token>");
      case WRONG -> throw new Problem(401, GatewayError.BAD_TOKEN, "wrong token");
    }
  }

  /** The body, whole, within {@code maxBodyBytes}; a larger one is refused unread. */
  private byte[] body(HttpExchange exchange) {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null && Long.parseLong(length.strip()) > config.maxBodyBytes()) {
      throw tooLarge();
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    try (InputStream in = exchange.getRequestBody()) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      byte[] block = new byte[BLOCK];
      int n;
      while ((n = in.read(block)) > 0) {
        body.write(block, 0, n);
        if (body.size() > config.maxBodyBytes()) {
          throw tooLarge();
        }
      }
      if (body.size() > 0 && type != null
          && !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
        throw new Problem(415, Problem.UNSUPPORTED_MEDIA_TYPE, "a request body must be"
            + " application/json, not " + shorten(type));
      }
      return body.toByteArray();
    } catch (IOException e) {
      throw new Problem(400, Problem.BAD_JSON, "the request body could not be read: "
          + e.getMessage());
    }
  }

  private Problem tooLarge() {
    return new Problem(413, Problem.BODY_TOO_LARGE, "a request body may have at most "
        + config.maxBodyBytes() + " bytes (http.maxBodyBytes)");
  }

  static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name;
      String value;
      try {
        name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new Problem(400, Problem.BAD_QUERY, "the query is not URL-encoded: "
            + e.getMessage());
      }
      if (query.put(name, value) != null) {
        throw new Problem(400, Problem.BAD_QUERY, "query parameter '" + shorten(name)
            + "' is given more than once");
      }
    }
    return query;
  }

  private static Map<String, List<String>> headers(HttpExchange exchange) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((name, values) ->
        headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    return headers;
  }

  private static void write(HttpExchange exchange, HttpReply reply) throws IOException {
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.getResponseHeaders().set("Content-Type", reply.contentType());
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    if (reply.streamer() != null) {
      try {
        exchange.sendResponseHeaders(reply.status(), 0);
        try (OutputStream out = exchange.getResponseBody()) {
          reply.streamer().write(out);
        }
      } finally {
        if (reply.streamer() instanceof AutoCloseable resource) {
          closeQuietly(resource);
        }
      }
      return;
    }
    exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1
        : reply.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(reply.body());
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      log.debug("http: closing a stream failed: {}", e.getMessage());
    }
  }

  /** Client text in a message: bounded, and only printable characters. */
  static String shorten(String text) {
    if (text == null) {
      return "";
    }
    String clean = text.replaceAll("[^\\x20-\\x7E]", "?");
    return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
