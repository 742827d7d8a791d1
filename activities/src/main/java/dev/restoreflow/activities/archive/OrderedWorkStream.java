package dev.restoreflow.activities.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One stream of the bytes that pieces of work produce on a pool of threads, up to {@code ahead}
 * pieces in flight, handed to the reader in the order the pieces were asked for. Ranged
 * downloads, chunk decompression and chunk compression are such work.
 */
abstract class OrderedWorkStream extends InputStream {

  private final ExecutorService pool;
  private final int ahead;
  private final Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
  private byte[] current = new byte[0];
  private int position;

  OrderedWorkStream(String threadName, int threads, int ahead) {
    this.ahead = ahead;
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  /** The next piece of work, or null when there is none left; called on the reader's thread. */
  protected abstract Callable<byte[]> nextWork() throws IOException;

  /** Each piece's bytes as the reader reaches them, in order. */
  protected void reached(byte[] bytes) {}

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    while (position == current.length) {
      startMore();
      if (inFlight.isEmpty()) {
        return -1;
      }
      current = take(inFlight.poll());
      position = 0;
      reached(current);
    }
    int n = Math.min(length, current.length - position);
    System.arraycopy(current, position, buffer, offset, n);
    position += n;
    return n;
  }

  private void startMore() throws IOException {
    while (inFlight.size() < ahead) {
      Callable<byte[]> work = nextWork();
      if (work == null) {
        return;
      }
      inFlight.add(pool.submit(work));
    }
  }

  private static byte[] take(Future<byte[]> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
    }
  }

  @Override
  public void close() {
    inFlight.forEach(f -> f.cancel(true));
    pool.shutdownNow();
  }
}
