package dev.restoreflow.worker.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.worker.gateway.GatewayError;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answer, {@code application/problem+json} (RFC 9457): type, title, status, detail,
 * and {@code code}, the same code the other ways in give the same mistake (the line gateway's
 * {@link GatewayError} codes, the resolver's {@link FailureType} names), plus the HTTP API's own
 * for what only HTTP has. Thrown by a route; the server answers with it.
 */
public final class Problem extends RuntimeException {

  public static final String NOT_FOUND = "NOT_FOUND";
  public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
  public static final String BAD_JSON = "BAD_JSON";
  public static final String BAD_QUERY = "BAD_QUERY";
  public static final String BODY_TOO_LARGE = "BODY_TOO_LARGE";
  public static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";
  public static final String BAD_JOB_ID = "BAD_JOB_ID";
  public static final String JOB_ENDED = "JOB_ENDED";
  public static final String NOT_AWAITING_APPROVAL = "NOT_AWAITING_APPROVAL";
  public static final String JOB_FAILED = "JOB_FAILED";
  public static final String WAIT_TIMEOUT = "WAIT_TIMEOUT";
  public static final String TOO_MANY_STREAMS = "TOO_MANY_STREAMS";

  private final int status;
  private final String code;
  private final Map<String, Object> extras;

  public Problem(int status, String code, String detail) {
    this(status, code, detail, Map.of());
  }

  public Problem(int status, String code, String detail, Map<String, Object> extras) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.extras = extras;
  }

  /** The resolver's refusal, with the status its type calls for. */
  public static Problem of(RequestRejectedException e) {
    String code = e.type().name();
    int status = e.type() == FailureType.UNKNOWN_INSTANCE ? 404 : 400;
    return new Problem(status, code, e.getMessage());
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public HttpReply reply() {
    Body body = new Body("urn:restoreflow:problem:" + code, title(status), status, getMessage(),
        code);
    Map<String, Object> json = new LinkedHashMap<>(Json.MAPPER.convertValue(body, Map.class));
    json.putAll(extras);
    HttpReply reply = new HttpReply(status, HttpReply.PROBLEM_JSON, Json.bytes(json), Map.of(),
        null);
    if (status == 401) {
      reply = reply.withHeader("WWW-Authenticate", "Bearer");
    }
    return reply;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Body(String type, String title, int status, String detail, String code) {}

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "HTTP " + status;
    };
  }
}
