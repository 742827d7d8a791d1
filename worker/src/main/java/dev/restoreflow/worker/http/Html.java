package dev.restoreflow.worker.http;

import java.util.List;

/** The small pages the seed's Flask server answered browsers with; everything is escaped. */
final class Html {

  private Html() {}

  /** {@code <h1> heading </h1> <br/> line<br/> line<br/> ...}, as the seed's pages were. */
  static String page(String heading, List<String> lines) {
    StringBuilder out = new StringBuilder("<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\">"
        + "<title>restoreflow: ").append(escape(heading)).append("</title></head>\n<body>\n<h1> ")
        .append(escape(heading)).append(" </h1> <br/>\n<pre>\n");
    for (String line : lines) {
      out.append(escape(line)).append('\n');
    }
    return out.append("</pre>\n</body>\n</html>\n").toString();
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
