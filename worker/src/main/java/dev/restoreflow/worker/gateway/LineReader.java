package dev.restoreflow.worker.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads LF- or CRLF-terminated lines as bytes, at most {@code maxBytes} each: a longer line is
 * read to its end and thrown away, so one bad line never desynchronizes the connection.
 */
final class LineReader {

  /** A line's bytes (without the line end), or a line that was too long. */
  record RawLine(byte[] bytes, boolean tooLong) {}

  private final InputStream in;
  private final int maxBytes;

  LineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** The next line, or null at the end of the stream (a last line without LF counts). */
  RawLine next() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean tooLong = false;
    int b;
    boolean any = false;
    while ((b = in.read()) != -1) {
      any = true;
      if (b == '\n') {
        break;
      }
      if (line.size() < maxBytes) {
        line.write(b);
      } else {
        tooLong = true;
      }
    }
    if (!any) {
      return null;
    }
    byte[] bytes = line.toByteArray();
    if (!tooLong && bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
      bytes = java.util.Arrays.copyOf(bytes, bytes.length - 1);
    }
    return new RawLine(bytes, tooLong);
  }
}
