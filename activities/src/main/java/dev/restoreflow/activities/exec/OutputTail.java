package dev.restoreflow.activities.exec;

/**
 * How many lines a running command has printed and its last one (cut to 200 characters): what a
 * step's heartbeat shows of a tool that prints no figures of its own.
 */
public final class OutputTail {

  private static final int LAST_LINE_CHARS = 200;

  private volatile long lines;
  private volatile String lastLine = "";

  /** Called from the command's output thread only. */
  public void see(String line) {
    lines++;
    lastLine = line.length() > LAST_LINE_CHARS ? line.substring(0, LAST_LINE_CHARS) : line;
  }

  public long lines() {
    return lines;
  }

  public String lastLine() {
    return lastLine;
  }
}
