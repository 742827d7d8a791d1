package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.storage.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tar stream of a tarball restoreflow wrote in independent chunks, from chunk {@code first}
 * on: each chunk is one ranged GET decompressed on a thread of its own, {@code parallel} of them
 * ahead of the reader, handed out in order. A single gzip stream inflates on one core; chunks
 * inflate on all of them, while the reader writes.
 *
 * <p>Every chunk must decompress to exactly the tar bytes backup.json gives it (its next
 * chunk's tar offset minus its own), so a corrupt chunk is named by its offset.
 */
final class ParallelChunkReader extends InputStream {

  private final ObjectStore store;
  private final String key;
  private final Compression compression;
  private final List<Chunk> chunks;
  private final long storedSize;
  private final long tarBytes;
  private final int parallel;
  private final AtomicLong downloaded;
  private final ExecutorService pool;
  private final Deque<Future<byte[]>> ahead = new ArrayDeque<>();
  private int nextChunk;
  private byte[] current = new byte[0];
  private int position;

  /**
   * @param chunks every chunk of the object, in order
   * @param storedSize the object's size
   * @param tarBytes the size of the whole tar stream
   */
  ParallelChunkReader(ObjectStore store, String key, Compression compression, List<Chunk> chunks,
      int first, long storedSize, long tarBytes, int parallel, AtomicLong downloaded) {
    this.store = store;
    this.key = key;
    this.compression = compression;
    this.chunks = List.copyOf(chunks);
    this.storedSize = storedSize;
    this.tarBytes = tarBytes;
    this.parallel = parallel;
    this.downloaded = downloaded;
    this.nextChunk = first;
    this.pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "fetch-chunk");
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
    while (ahead.size() < parallel && nextChunk < chunks.size()) {
      int index = nextChunk++;
      ahead.add(pool.submit(() -> decode(index)));
    }
  }

  private byte[] decode(int index) throws IOException {
    Chunk chunk = chunks.get(index);
    boolean last = index == chunks.size() - 1;
    long storedEnd = last ? storedSize : chunks.get(index + 1).storedOffset();
    long tarEnd = last ? tarBytes : chunks.get(index + 1).tarOffset();
    long expected = tarEnd - chunk.tarOffset();
    byte[] stored = new byte[(int) (storedEnd - chunk.storedOffset())];
    int received;
    try (InputStream in = store.read(key, chunk.storedOffset(), storedEnd)) {
      received = readFully(in, stored);
    }
    downloaded.addAndGet(received);
    if (received != stored.length) {
      throw new IOException("bytes " + chunk.storedOffset() + "-" + (storedEnd - 1)
          + " came back short (" + received + " bytes): the object is truncated");
    }
    if (compression == Compression.NONE && stored.length == expected) {
      return stored;
    }
    // straight into an array of the size backup.json gives: no growing, no copies (garbage
    // collection on a busy host costs more than the inflating)
    byte[] bytes = new byte[(int) expected];
    int decompressed;
    boolean trailing;
    try (InputStream tar = compression.decompress(new ByteArrayInputStream(stored))) {
      decompressed = readFully(tar, bytes);
      trailing = tar.read() >= 0;
    } catch (IOException e) {
      throw new IOException("the chunk at byte " + chunk.storedOffset() + " does not decompress ("
          + e.getMessage() + "): the object is corrupt", e);
    }
    if (decompressed != expected || trailing) {
      throw new IOException("the chunk at byte " + chunk.storedOffset() + " does not decompress"
          + " to the " + expected + " bytes of tar backup.json gives it: the object is corrupt");
    }
    return bytes;
  }

  /** Reads until {@code into} is full or the stream ends; returns how many bytes came. */
  private static int readFully(InputStream in, byte[] into) throws IOException {
    int filled = 0;
    while (filled < into.length) {
      int n = in.read(into, filled, into.length - filled);
      if (n < 0) {
        break;
      }
      filled += n;
    }
    return filled;
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
