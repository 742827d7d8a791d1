package dev.restoreflow.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;

/** A person at a terminal: questions asked, answers read line by line. */
final class Terminal {

  private final BufferedReader in;
  private final PrintStream out;
  private final Style style;

  Terminal(BufferedReader in, PrintStream out, Style style) {
    this.in = in;
    this.out = out;
    this.style = style;
  }

  /** The process's terminal, or null when standard input or output is not one. */
  static Terminal ofProcess(Style style) {
    if (System.console() == null) {
      return null;
    }
    return new Terminal(new BufferedReader(new InputStreamReader(System.in,
        Charset.defaultCharset())), System.out, style);
  }

  PrintStream out() {
    return out;
  }

  Style style() {
    return style;
  }

  /** The answer, stripped; null when input ended (Ctrl-D). */
  String ask(String question) {
    out.print(question);
    out.flush();
    try {
      String line = in.readLine();
      if (line == null) {
        out.println();
      }
      return line == null ? null : line.strip();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the answer from the terminal", e);
    }
  }
}
