package dev.restoreflow.activities.pgbackrest;

/**
 * How far a running {@code pgbackrest backup} is, in bytes, from its per-file lines
 * ({@link BackedUpFileLine}).
 *
 * <p>Why these figures: pgBackRest 2.45 has no progress of its own in {@code info} (2.48 added
 * it), and what it writes into the repository is compressed (and, for a diff or incr, only the
 * changed files), so the repository's growth against the data directory's size would be a bar
 * that stops at a third. What it does print, per file, is its own percent of the bytes it has to
 * process in this backup. So {@code bytesDone} is the sum of the sizes it reported (to its
 * rounding) and {@code bytesTotal} follows from its percent: done / percent — close from the first
 * few percent on, exactly {@code bytesDone} when it says 100%. The bar then moves as pgBackRest's
 * own percent does and ends full. Not thread-safe on its own: fed from the output thread, read
 * through volatile fields by the heartbeat thread.
 */
final class BackupBytes {

  private volatile long done;
  private volatile long total;

  /** Counts a line of the backup's output; other lines are ignored. */
  void see(String line) {
    BackedUpFileLine.parse(line).ifPresent(file -> {
      long now = done + file.bytes();
      if (file.percent() > 0) {
        total = Math.max(now, Math.round(now * 100.0 / file.percent()));
      }
      done = now;
    });
  }

  /** Bytes done so far, at most {@link #total()} once that is known. */
  long done() {
    long t = total;
    return t > 0 ? Math.min(done, t) : done;
  }

  /** The bytes this backup processes in all; 0 until pgBackRest's percent is above 0. */
  long total() {
    return total;
  }
}
