package dev.restoreflow.activities.mysqltables;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The last few kB a process wrote on a stream, read by a thread of its own (for messages). */
final class StreamTail {

  private static final int KEEP = 4096;
  private final StringBuilder tail = new StringBuilder();
  private final Thread reader;

  private StreamTail(InputStream in, String name) {
    reader = new Thread(() -> read(in), name);
    reader.setDaemon(true);
  }

  static StreamTail drain(InputStream in, String name) {
    StreamTail tail = new StreamTail(in, name);
    tail.reader.start();
    return tail;
  }

  private void read(InputStream in) {
    byte[] buffer = new byte[4096];
    try (in) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        synchronized (tail) {
          tail.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
          if (tail.length() > KEEP) {
            tail.delete(0, tail.length() - KEEP);
          }
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /** What was read so far (waits briefly for the stream's end, when it is near). */
  String text() {
    try {
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (tail) {
      return tail.toString();
    }
  }
}
