package dev.restoreflow.worker.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Method and path to route. Templates are literal segments and {@code {name}} segments (one
 * segment each, never empty); the first route whose template matches wins.
 */
final class Router {

  /** What a request's method and path lead to. */
  sealed interface Match {}

  record Found(ExtraRoute route, Map<String, String> params) implements Match {}

  record NoSuchPath() implements Match {}

  record WrongMethod(List<String> allowed) implements Match {}

  private final List<ExtraRoute> routes = new CopyOnWriteArrayList<>();

  /** Adds a route, replacing the one with the same method and template. */
  synchronized void mount(ExtraRoute route) {
    for (int i = 0; i < routes.size(); i++) {
      ExtraRoute r = routes.get(i);
      if (r.method().equals(route.method()) && r.path().equals(route.path())) {
        routes.set(i, route);
        return;
      }
    }
    routes.add(route);
  }

  List<ExtraRoute> routes() {
    return List.copyOf(routes);
  }

  Match match(String method, String path) {
    List<String> segments = segments(path);
    TreeSet<String> allowed = new TreeSet<>();
    for (ExtraRoute route : routes) {
      Map<String, String> params = match(segments(route.path()), segments);
      if (params == null) {
        continue;
      }
      if (route.method().equals(method)) {
        return new Found(route, params);
      }
      allowed.add(route.method());
    }
    return allowed.isEmpty() ? new NoSuchPath() : new WrongMethod(List.copyOf(allowed));
  }

  private static Map<String, String> match(List<String> template, List<String> segments) {
    if (template.size() != segments.size()) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < template.size(); i++) {
      String t = template.get(i);
      String s = segments.get(i);
      if (t.startsWith("{") && t.endsWith("}")) {
        if (s.isEmpty()) {
          return null;
        }
        params.put(t.substring(1, t.length() - 1), s);
      } else if (!t.equals(s)) {
        return null;
      }
    }
    return params;
  }

  /** {@code /a/b/} -> [a, b, ""]: a trailing slash is a different path. */
  static List<String> segments(String path) {
    List<String> out = new ArrayList<>(List.of(path.split("/", -1)));
    if (!out.isEmpty() && out.get(0).isEmpty()) {
      out.remove(0);
    }
    return out;
  }
}
