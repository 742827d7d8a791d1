package dev.restoreflow.activities.pgdump;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The dump a restore is downloading into its staging directory, for the step's heartbeat: bytes
 * fetched of the dump's size (meta.json's, which the fetch checks). Between fetches — while
 * pg_restore reads the staged files, which it does in several passes at offsets of its own — there
 * is no byte figure: {@link #total()} is 0 then, rather than a bar left at 100%.
 */
final class DumpFetches {

  private final AtomicLong fetched = new AtomicLong();
  private volatile long total;

  /** A fetch of {@code size} bytes begins; the counter returned takes its bytes. */
  AtomicLong begin(long size) {
    fetched.set(0);
    total = size;
    return fetched;
  }

  /** The fetch has ended (or failed). */
  void end() {
    total = 0;
  }

  long done() {
    return total == 0 ? 0 : Math.min(fetched.get(), total);
  }

  long total() {
    return total;
  }
}
