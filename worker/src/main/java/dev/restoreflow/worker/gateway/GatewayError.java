package dev.restoreflow.worker.gateway;

import java.util.Set;

/** What went wrong with a request: a stable code for scripts and a reason for people. */
public record GatewayError(String code, String reason) {

  public static final String EMPTY = "EMPTY_LINE";
  public static final String TOO_LONG = "LINE_TOO_LONG";
  public static final String NOT_UTF8 = "NOT_UTF8";
  public static final String NUL_BYTE = "NUL_BYTE";
  public static final String BAD_CHARACTER = "BAD_CHARACTER";
  public static final String NOT_PROTOCOL = "NOT_PROTOCOL";
  public static final String BAD_ITEM = "BAD_ITEM";
  public static final String UNKNOWN_KEY = "UNKNOWN_KEY";
  public static final String REPEATED_KEY = "REPEATED_KEY";
  public static final String MISSING_INSTANCE = "MISSING_INSTANCE";
  public static final String BAD_NAME = "BAD_NAME";
  public static final String BAD_BACKUP_ID = "BAD_BACKUP_ID";
  public static final String BAD_COMMAND = "BAD_COMMAND";
  public static final String UNKNOWN_INSTANCE = "UNKNOWN_INSTANCE";
  public static final String UNKNOWN_HOST = "UNKNOWN_HOST";
  public static final String HOST_NOT_ALLOWED = "HOST_NOT_ALLOWED";
  public static final String UNKNOWN_JOB = "UNKNOWN_JOB";
  public static final String TOKEN_REQUIRED = "TOKEN_REQUIRED";
  public static final String BAD_TOKEN = "BAD_TOKEN";
  public static final String NOT_ALLOWED = "NOT_ALLOWED";
  public static final String TOO_MANY_CONNECTIONS = "TOO_MANY_CONNECTIONS";
  public static final String IDLE_TIMEOUT = "IDLE_TIMEOUT";
  public static final String UNAVAILABLE = "UNAVAILABLE";
  public static final String INTERNAL = "INTERNAL";

  /**
   * A line with one of these is not the protocol at all (an HTTP request, bytes that are not
   * items): nothing after it on the connection can be trusted to be a request either — it may be
   * the body of a browser's POST — so the gateway answers and closes. Errors in a well-formed
   * request (an unknown instance, a bad backup id, a missing token) keep the connection.
   */
  private static final Set<String> NOT_THE_PROTOCOL = Set.of(TOO_LONG, NOT_UTF8, NUL_BYTE,
      BAD_CHARACTER, NOT_PROTOCOL, BAD_ITEM, UNKNOWN_KEY, REPEATED_KEY, BAD_COMMAND);

  /** Whether the gateway closes the connection after this error. */
  public boolean closesConnection() {
    return NOT_THE_PROTOCOL.contains(code);
  }

  /** The reply line (without the line end); the reason never spans lines. */
  public String reply() {
    return "ERROR " + code + " " + reason.replaceAll("[\\r\\n]+", " ");
  }
}
