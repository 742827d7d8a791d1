package dev.restoreflow.worker.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Reads LF- or CRLF-terminated lines as bytes, at most {@code maxBytes} each: a longer line is
 * read to its end and thrown away, so one bad line never desynchronizes the connection. The
 * stream is read in blocks (one system call per block on a socket, not one per byte); of a line,
 * at most {@code maxBytes} are kept.
 *
 * <p>Time limits are per line, not per read: each read may block only for the time the line has
 * left, so a client that trickles a byte now and then still runs out of time.
 */
final class LineReader {

  static final int BLOCK_BYTES = 8192;

  /** A line's bytes (without the line end), or a line that was too long. */
  record RawLine(byte[] bytes, boolean tooLong) {}

  /** Limits the next read to {@code millis} (a socket's SO_TIMEOUT); 0 = no limit. */
  interface ReadTimeout {
    void set(int millis) throws IOException;
  }

  /** Time ran out before a whole line arrived. */
  static final class LineTimeout extends SocketTimeoutException {
    private final boolean lineStarted;

    LineTimeout(boolean lineStarted) {
      super(lineStarted ? "the line did not arrive whole in time" : "no line began in time");
      this.lineStarted = lineStarted;
    }

    /** Whether part of the line had arrived (else the client sent nothing at all). */
    boolean lineStarted() {
      return lineStarted;
    }
  }

  private final InputStream in;
  private final int maxBytes;
  private final ReadTimeout readTimeout;
  private final LongSupplier nanoClock;
  private final byte[] block = new byte[BLOCK_BYTES];
  private int start;
  private int end;

  LineReader(InputStream in, int maxBytes) {
    this(in, maxBytes, millis -> { }, System::nanoTime);
  }

  LineReader(InputStream in, int maxBytes, ReadTimeout readTimeout, LongSupplier nanoClock) {
    this.in = in;
    this.maxBytes = maxBytes;
    this.readTimeout = readTimeout;
    this.nanoClock = nanoClock;
  }

  /** The next line, or null at the end of the stream (a last line without LF counts). */
  RawLine next() throws IOException {
    return next(null, null);
  }

  /**
   * The next line, as {@link #next()}, within time limits counted from now (null = none).
   *
   * @param firstByteWithin how long to wait for the line's first byte
   * @param wholeLineWithin how long the whole line may take
   * @throws LineTimeout when a limit passes first
   */
  RawLine next(Duration firstByteWithin, Duration wholeLineWithin) throws IOException {
    long startedAt = nanoClock.getAsLong();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean tooLong = false;
    boolean lineStarted = false;
    while (true) {
      if (start == end) {
        Duration limit = lineStarted ? wholeLineWithin : earlier(firstByteWithin, wholeLineWithin);
        if (!fill(startedAt, limit, lineStarted)) {
          if (!lineStarted) {
            return null;
          }
          break;
        }
      }
      lineStarted = true;
      int lf = indexOfLf();
      int lineEnd = lf < 0 ? end : lf;
      int keep = Math.min(maxBytes - line.size(), lineEnd - start);
      line.write(block, start, keep);
      tooLong |= keep < lineEnd - start;
      start = lf < 0 ? end : lf + 1;
      if (lf >= 0) {
        break;
      }
    }
    byte[] bytes = line.toByteArray();
    if (!tooLong && bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
      bytes = Arrays.copyOf(bytes, bytes.length - 1);
    }
    return new RawLine(bytes, tooLong);
  }

  /** Reads the next block; false at the end of the stream. */
  private boolean fill(long startedAt, Duration limit, boolean lineStarted) throws IOException {
    while (true) {
      if (limit == null) {
        readTimeout.set(0);
      } else {
        long leftNanos = limit.toNanos() - (nanoClock.getAsLong() - startedAt);
        if (leftNanos <= 0) {
          throw new LineTimeout(lineStarted);
        }
        readTimeout.set((int) Math.min(Integer.MAX_VALUE, Math.max(1, (leftNanos + 999_999) / 1_000_000)));
      }
      int n;
      try {
        n = in.read(block, 0, block.length);
      } catch (SocketTimeoutException timedOut) {
        if (limit == null) {
          throw timedOut;
        }
        continue;
      }
      if (n < 0) {
        return false;
      }
      start = 0;
      end = n;
      if (n > 0) {
        return true;
      }
    }
  }

  private int indexOfLf() {
    for (int i = start; i < end; i++) {
      if (block[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static Duration earlier(Duration a, Duration b) {
    if (a == null) {
      return b;
    }
    return b == null || a.compareTo(b) <= 0 ? a : b;
  }
}
