package dev.restoreflow.activities.basebackup;

/**
 * Where a retried FetchS3 can go on: every byte of object {@code object} before chunk
 * {@code chunk} is extracted and fsynced. When the chunk starts inside a file's data,
 * {@code entry*} describe that file. Sent as heartbeat details, so it is in the workflow history
 * (names and offsets only, nothing secret).
 *
 * @param downloaded bytes downloaded by all attempts so far (a killed attempt's count is what its
 *     last heartbeat said)
 * @param compared bytes of the data directory a delta restore has compared so far (its progress
 *     while it downloads nothing; the stall watch sees it move)
 */
public record FetchCheckpoint(int object, int chunk, String entryName, long entrySize,
    int entryMode, long entryDataStart, long downloaded, long compared) {

  public FetchCheckpoint(int object, int chunk, String entryName, long entrySize, int entryMode,
      long entryDataStart, long downloaded) {
    this(object, chunk, entryName, entrySize, entryMode, entryDataStart, downloaded, 0);
  }

  static FetchCheckpoint start() {
    return new FetchCheckpoint(0, 0, null, 0, 0, 0, 0);
  }

  public boolean insideEntry() {
    return entryName != null;
  }
}
