package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An object's bytes {@code [from, to)} as one stream, fetched as ranged GETs of {@code rangeSize}
 * with {@code parallel} of them in flight ahead of the reader, handed out in order. Every byte
 * received is counted in {@code downloaded}.
 */
final class RangeReader extends InputStream {

  private final ObjectStore store;
  private final String key;
  private final long to;
  private final int rangeSize;
  private final int parallel;
  private final AtomicLong downloaded;
  private final ExecutorService pool;
  private final Deque<Future<byte[]>> ahead = new ArrayDeque<>();
  private long nextRange;
  private byte[] current = new byte[0];
  private int position;

  RangeReader(ObjectStore store, String key, long from, long to, int rangeSize, int parallel,
      AtomicLong downloaded) {
    this.store = store;
    this.key = key;
    this.to = to;
    this.rangeSize = rangeSize;
    this.parallel = parallel;
    this.downloaded = downloaded;
    this.nextRange = from;
    this.pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "fetch-range");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    while (position == current.length) {
      fill();
      if (ahead.isEmpty()) {
        return -1;
      }
      current = take(ahead.poll());
      position = 0;
    }
    int n = Math.min(length, current.length - position);
    System.arraycopy(current, position, buffer, offset, n);
    position += n;
    return n;
  }

  private void fill() {
    while (ahead.size() < parallel && nextRange < to) {
      long start = nextRange;
      long end = Math.min(to, start + rangeSize);
      ahead.add(pool.submit(() -> fetch(start, end)));
      nextRange = end;
    }
  }

  private byte[] fetch(long start, long end) throws IOException {
    try (InputStream in = store.read(key, start, end)) {
      byte[] bytes = in.readNBytes((int) (end - start));
      downloaded.addAndGet(bytes.length);
      if (bytes.length != end - start) {
        throw new IOException(key + ": bytes " + start + "-" + (end - 1) + " came back short ("
            + bytes.length + " bytes): the object is truncated");
      }
      return bytes;
    }
  }

  private static byte[] take(Future<byte[]> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while downloading", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
    }
  }

  @Override
  public void close() {
    ahead.forEach(f -> f.cancel(true));
    pool.shutdownNow();
  }
}
