package dev.restoreflow.activities;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream that adds every byte read through it to a counter another thread reads (a step's
 * heartbeat: how much of a dump was stored, fetched or fed to a tool so far).
 */
public final class CountedInputStream extends FilterInputStream {

  private final AtomicLong count;

  public CountedInputStream(InputStream in, AtomicLong count) {
    super(in);
    this.count = count;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count.incrementAndGet();
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      count.addAndGet(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    count.addAndGet(Math.max(0, skipped));
    return skipped;
  }
}
