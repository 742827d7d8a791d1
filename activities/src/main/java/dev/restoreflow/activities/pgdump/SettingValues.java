package dev.restoreflow.activities.pgdump;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a stored setting ({@code name=value}, as pg_db_role_setting keeps it) back into the
 * {@code name = value} of an {@code ALTER ROLE/DATABASE ... SET}. Settings that hold a list of
 * names (search_path and a few more) are stored as the list's text and must be given back as one
 * quoted element each, as pg_dumpall does; any other value is one quoted literal.
 */
final class SettingValues {

  /** The settings PostgreSQL marks GUC_LIST_QUOTE (pg_dumpall's variable_is_guc_list_quote). */
  private static final Set<String> LISTS = Set.of("local_preload_libraries", "search_path",
      "session_preload_libraries", "shared_preload_libraries", "temp_tablespaces",
      "unix_socket_directories");

  private SettingValues() {}

  /** @param entry {@code name=value}, the name already checked as plain */
  static String assignment(String entry) {
    int eq = entry.indexOf('=');
    String name = entry.substring(0, eq);
    String value = entry.substring(eq + 1);
    if (!LISTS.contains(name.toLowerCase(Locale.ROOT))) {
      return name + " = " + PgTools.literal(value);
    }
    List<String> elements = split(value);
    return name + " = " + (elements.isEmpty() ? "''"
        : String.join(", ", elements.stream().map(PgTools::literal).toList()));
  }

  /** The elements of a list setting: comma-separated, trimmed, "double quotes" with "" inside. */
  static List<String> split(String list) {
    List<String> elements = new ArrayList<>();
    int i = 0;
    int n = list.length();
    while (true) {
      while (i < n && Character.isWhitespace(list.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return elements;
      }
      StringBuilder element = new StringBuilder();
      if (list.charAt(i) == '"') {
        i++;
        while (i < n) {
          char c = list.charAt(i++);
          if (c == '"') {
            if (i < n && list.charAt(i) == '"') {
              element.append('"');
              i++;
            } else {
              break;
            }
          } else {
            element.append(c);
          }
        }
        while (i < n && list.charAt(i) != ',') {
          i++;
        }
      } else {
        int start = i;
        while (i < n && list.charAt(i) != ',') {
          i++;
        }
        element.append(list.substring(start, i).strip());
      }
      elements.add(element.toString());
      if (i < n) {
        i++;   // the comma
      }
    }
  }
}
