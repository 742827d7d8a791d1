package dev.restoreflow.activities.archive;

import dev.restoreflow.activities.storage.ObjectStore;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An object's bytes {@code [from, to)} as one stream, fetched as ranged GETs of {@code rangeSize}
 * with {@code parallel} of them in flight ahead of the reader, handed out in order. Every byte
 * received is counted in {@code downloaded}. Only an object that ends early makes a range short
 * ({@link ObjectStore#readRange}): that is a truncated object.
 */
public final class RangeReader extends OrderedWorkStream {

  private final ObjectStore store;
  private final String key;
  private final long to;
  private final int rangeSize;
  private final AtomicLong downloaded;
  private long nextRange;

  public RangeReader(ObjectStore store, String key, long from, long to, int rangeSize, int parallel,
      AtomicLong downloaded) {
    super("fetch-range", parallel, parallel);
    this.store = store;
    this.key = key;
    this.to = to;
    this.rangeSize = rangeSize;
    this.downloaded = downloaded;
    this.nextRange = from;
  }

  @Override
  protected Callable<byte[]> nextWork() {
    if (nextRange >= to) {
      return null;
    }
    long start = nextRange;
    long end = Math.min(to, start + rangeSize);
    nextRange = end;
    return () -> fetch(start, end);
  }

  private byte[] fetch(long start, long end) throws IOException {
    byte[] bytes = store.readRange(key, start, end);
    downloaded.addAndGet(bytes.length);
    if (bytes.length != end - start) {
      throw new CorruptObjectException(key + ": bytes " + start + "-" + (end - 1) + " came back short ("
          + bytes.length + " bytes): the object is truncated");
    }
    return bytes;
  }
}
