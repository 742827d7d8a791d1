package dev.restoreflow.worker.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  /** Counts the reads that reach the stream underneath (each one a system call on a socket). */
  private static final class CountingStream extends FilterInputStream {
    int reads;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      reads++;
      return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      reads++;
      return super.read(b, off, len);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aMegabyteLineIsReadInBlocksAndThrownAwayBeyondTheLimit() throws IOException {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    byte[] huge = new byte[1 << 20];
    Arrays.fill(huge, (byte) 'a');
    input.write(huge);
    input.write(bytes("\ndb_instance=main1\n"));
    CountingStream in = new CountingStream(new ByteArrayInputStream(input.toByteArray()));
    LineReader reader = new LineReader(in, 4096);

    LineReader.RawLine tooLong = reader.next();
    assertTrue(tooLong.tooLong());
    assertEquals(4096, tooLong.bytes().length, "no more than maxBytes of the line is kept");
    assertArrayEquals(bytes("db_instance=main1"), reader.next().bytes(), "the next line is intact");
    assertNull(reader.next());
    assertTrue(in.reads < 1_000, "1 MiB took " + in.reads + " reads");
  }

  /** One byte per read, and each read takes a second of the fake clock. */
  private static final class Trickle extends InputStream {
    private final byte[] bytes;
    private final long[] clock;
    private int next;

    Trickle(byte[] bytes, long[] clock) {
      this.bytes = bytes;
      this.clock = clock;
    }

    @Override
    public int read() {
      clock[0] += Duration.ofSeconds(1).toNanos();
      return next < bytes.length ? bytes[next++] : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      int c = read();
      if (c < 0) {
        return -1;
      }
      b[off] = (byte) c;
      return 1;
    }
  }

  @Test
  void aLineTrickledByteByByteRunsOutOfTimeAsAWhole() throws IOException {
    long[] clock = {0};
    List<Integer> timeouts = new ArrayList<>();
    LineReader reader = new LineReader(new Trickle(bytes("db_instance=main1\n"), clock), 4096,
        timeouts::add, () -> clock[0]);
    LineReader.LineTimeout late = assertThrows(LineReader.LineTimeout.class,
        () -> reader.next(Duration.ofSeconds(30), Duration.ofSeconds(5)));
    assertTrue(late.lineStarted());
    assertEquals(5, timeouts.size(), "five bytes in five seconds, then no more reads: " + timeouts);
    assertEquals(List.of(5000, 4000, 3000, 2000, 1000), timeouts, "each read gets what is left");
  }

  @Test
  void aLineThatNeverBeginsRunsOutOfItsFirstByteTime() throws IOException {
    long[] clock = {0};
    InputStream silent = new InputStream() {
      @Override
      public int read() throws IOException {
        clock[0] += Duration.ofSeconds(2).toNanos();
        throw new SocketTimeoutException("Read timed out");
      }
    };
    LineReader reader = new LineReader(silent, 4096, millis -> { }, () -> clock[0]);
    LineReader.LineTimeout late = assertThrows(LineReader.LineTimeout.class,
        () -> reader.next(Duration.ofSeconds(2), Duration.ofSeconds(30)));
    assertFalse(late.lineStarted());
  }

  @Test
  void linesAlreadyReadNeedNoMoreTime() throws IOException {
    long[] clock = {0};
    LineReader reader = new LineReader(new ByteArrayInputStream(bytes("queue\nqueue S-DB1\n")),
        4096, millis -> { }, () -> clock[0]);
    assertArrayEquals(bytes("queue"), reader.next(Duration.ofSeconds(1), Duration.ofSeconds(1)).bytes());
    clock[0] += Duration.ofSeconds(10).toNanos();
    assertArrayEquals(bytes("queue S-DB1"),
        reader.next(Duration.ofSeconds(1), Duration.ofSeconds(1)).bytes());
  }

  @Test
  void crlfAndALastLineWithoutLineEnd() throws IOException {
    LineReader reader = new LineReader(new ByteArrayInputStream(bytes("a\r\n\nb")), 16);
    assertArrayEquals(bytes("a"), reader.next().bytes());
    assertArrayEquals(bytes(""), reader.next().bytes());
    LineReader.RawLine last = reader.next();
    assertArrayEquals(bytes("b"), last.bytes());
    assertFalse(last.tooLong());
    assertNull(reader.next());
  }
}
