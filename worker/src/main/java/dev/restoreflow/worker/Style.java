package dev.restoreflow.worker;

import java.util.Map;

/**
 * Colour for people at a terminal. None when the output is not a terminal, with
 * {@code --no-color}, or when {@code NO_COLOR} is set to anything but the empty string
 * (no-color.org).
 */
record Style(boolean colour) {

  static final Style PLAIN = new Style(false);

  private static final String BOLD = "\u001b[1m";
  private static final String RED = "\u001b[31m";
  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";
  private static final String RESET = "\u001b[0m";

  static Style choose(boolean terminal, boolean noColorOption, Map<String, String> env) {
    String noColor = env.get("NO_COLOR");
    boolean refused = noColorOption || (noColor != null && !noColor.isEmpty());
    return new Style(terminal && !refused);
  }

  String bold(String text) {
    return paint(BOLD, text);
  }

  /** What needs a second look: what a restore overwrites, sessions that will be cut. */
  String warn(String text) {
    return paint(YELLOW, text);
  }

  String bad(String text) {
    return paint(RED, text);
  }

  String good(String text) {
    return paint(GREEN, text);
  }

  private String paint(String code, String text) {
    return colour ? code + text + RESET : text;
  }
}
