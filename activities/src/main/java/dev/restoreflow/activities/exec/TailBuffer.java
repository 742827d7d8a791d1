package dev.restoreflow.activities.exec;

import java.util.ArrayDeque;
import java.util.Deque;

/** Keeps the last lines of a stream, for error messages. Thread-safe. */
final class TailBuffer {

  private final int maxLines;
  private final Deque<String> lines = new ArrayDeque<>();

  TailBuffer(int maxLines) {
    this.maxLines = maxLines;
  }

  synchronized void add(String line) {
    lines.addLast(line);
    if (lines.size() > maxLines) {
      lines.removeFirst();
    }
  }

  synchronized String text() {
    return String.join("\n", lines);
  }
}
