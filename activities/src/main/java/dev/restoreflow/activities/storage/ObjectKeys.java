package dev.restoreflow.activities.storage;

import java.util.regex.Pattern;

/** Object keys restoreflow writes and reads: never absolute, never with {@code .} or {@code ..}. */
public final class ObjectKeys {

  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.=-]{1,200}");

  private ObjectKeys() {}

  /** @throws IllegalArgumentException for a key that could escape the repository */
  public static String check(String key) {
    if (key == null || key.isEmpty() || key.length() > 1000) {
      throw new IllegalArgumentException("object key '" + key + "' is empty or too long");
    }
    for (String part : key.split("/", -1)) {
      if (!PART.matcher(part).matches() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("object key '" + key + "' has a bad part '" + part + "'");
      }
    }
    return key;
  }

  /** A prefix is a key or a key followed by {@code /}, or empty (everything). */
  public static String checkPrefix(String prefix) {
    if (prefix.isEmpty()) {
      return prefix;
    }
    check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    return prefix;
  }
}
