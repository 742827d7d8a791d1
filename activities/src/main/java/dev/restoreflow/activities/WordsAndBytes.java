package dev.restoreflow.activities;

/**
 * Heartbeat details of a step that says what it does in words and, where it can, in bytes: a
 * person reads {@code said} in the Temporal UI; the CLI's {@code --follow} draws a bar, percent
 * and ETA from {@code bytesDone} of {@code bytesTotal} when the total is known (above 0), and
 * otherwise shows {@code bytesDone} growing with its rate. Both 0 when the step has no byte
 * figure for what it is doing now.
 */
public record WordsAndBytes(String said, long bytesDone, long bytesTotal) {

  /** Words only. */
  public static WordsAndBytes words(String said) {
    return new WordsAndBytes(said, 0, 0);
  }

  /** {@code done} of {@code total} (never above it); {@code total} 0 = not known. */
  public static WordsAndBytes of(String said, long done, long total) {
    return new WordsAndBytes(said, total > 0 ? Math.min(done, total) : done, Math.max(0, total));
  }
}
