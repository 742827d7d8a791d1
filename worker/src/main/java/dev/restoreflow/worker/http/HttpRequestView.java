package dev.restoreflow.worker.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the routes see it: the body is read whole (within the size limit) before a
 * route runs.
 *
 * @param path the decoded path, e.g. {@code /api/v1/jobs/main1-20261123-061124-ebee8c}
 * @param query the query parameters, each at most once
 * @param headers by lower-case name
 * @param pathParams the values of the route's {@code {name}} segments
 * @param client the client's address and port, for the log and the ledger
 */
public record HttpRequestView(String method, String path, Map<String, String> query,
    Map<String, List<String>> headers, byte[] body, Map<String, String> pathParams,
    String client) {

  /** The first value of a header, or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  public String query(String name) {
    return query.get(name);
  }

  public String pathParam(String name) {
    return pathParams.get(name);
  }

  /** Whether the client asked for an HTML page (as a browser does). */
  public boolean wantsHtml() {
    String accept = header("accept");
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
  }

  HttpRequestView withPathParams(Map<String, String> params) {
    return new HttpRequestView(method, path, query, headers, body, Map.copyOf(params), client);
  }
}
