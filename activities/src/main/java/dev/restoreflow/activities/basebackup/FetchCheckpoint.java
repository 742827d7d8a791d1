package dev.restoreflow.activities.basebackup;

/**
 * Where a retried FetchS3 can go on: every byte of object {@code object} before chunk
 * {@code chunk} is extracted and fsynced. When the chunk starts inside a file's data,
 * {@code entry*} describe that file. Sent as heartbeat details, so it is in the workflow history
 * (names, offsets and counts only, nothing secret). A payload an older worker sent (without the
 * later fields) still reads: the missing counts are 0.
 *
 * @param downloaded bytes downloaded by all attempts so far (a killed attempt's count is what its
 *     last heartbeat said)
 * @param compared bytes of the data directory a delta restore has compared so far (its progress
 *     while it downloads nothing; the stall watch sees it move)
 * @param bytesDone how far the step is, in bytes, for people (the CLI's progress bar): of a full
 *     restore, the backup's objects downloaded; of a delta, the phase's bytes compared or written
 * @param bytesTotal what {@code bytesDone} goes up to; 0 when not known
 */
public record FetchCheckpoint(int object, int chunk, String entryName, long entrySize,
    int entryMode, long entryDataStart, long downloaded, long compared, long bytesDone,
    long bytesTotal) {

  public FetchCheckpoint(int object, int chunk, String entryName, long entrySize, int entryMode,
      long entryDataStart, long downloaded) {
    this(object, chunk, entryName, entrySize, entryMode, entryDataStart, downloaded, 0);
  }

  public FetchCheckpoint(int object, int chunk, String entryName, long entrySize, int entryMode,
      long entryDataStart, long downloaded, long compared) {
    this(object, chunk, entryName, entrySize, entryMode, entryDataStart, downloaded, compared, 0,
        0);
  }

  static FetchCheckpoint start() {
    return new FetchCheckpoint(0, 0, null, 0, 0, 0, 0);
  }

  public boolean insideEntry() {
    return entryName != null;
  }

  /** The same restart point, telling how far the step is ({@code done} of {@code total}). */
  public FetchCheckpoint withBytes(long done, long total) {
    return new FetchCheckpoint(object, chunk, entryName, entrySize, entryMode, entryDataStart,
        downloaded, compared, total > 0 ? Math.min(done, total) : done, total);
  }
}
