package dev.restoreflow.worker.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A response: a status, a content type and either a body or a stream written as it comes
 * (Server-Sent Events).
 */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers,
    Streamer streamer) {

  public static final String JSON = "application/json";
  public static final String PROBLEM_JSON = "application/problem+json";
  public static final String HTML = "text/html; charset=utf-8";
  public static final String EVENT_STREAM = "text/event-stream";

  /** Writes a streamed body; the server closes the stream after it. */
  @FunctionalInterface
  public interface Streamer {
    void write(OutputStream out) throws IOException;
  }

  public static HttpReply json(int status, Object value) {
    return new HttpReply(status, JSON, Json.bytes(value), Map.of(), null);
  }

  public static HttpReply text(int status, String contentType, String text) {
    return new HttpReply(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of(), null);
  }

  public static HttpReply html(int status, String page) {
    return text(status, HTML, page);
  }

  public static HttpReply stream(String contentType, Streamer streamer) {
    return new HttpReply(200, contentType, null, Map.of("Cache-Control", "no-cache"), streamer);
  }

  public HttpReply withHeader(String name, String value) {
    Map<String, String> more = new java.util.LinkedHashMap<>(headers);
    more.put(name, value);
    return new HttpReply(status, contentType, body, Map.copyOf(more), streamer);
  }
}
