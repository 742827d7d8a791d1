package dev.restoreflow.activities.archive;

import java.util.List;

/**
 * What a tar stream holds and where: every member with the tar offset of its data and, for a
 * regular file, the {@link BlockHash} of each {@code blockSize} bytes of its content (the last
 * block may be shorter). Recorded while a backup is taken; a delta restore compares the data directory with
 * it and fetches only the chunks that hold blocks that differ.
 */
public record TarIndex(int blockSize, List<Member> members) {

  /** Smallest and largest block sizes an index may have (a bucket's index is untrusted). */
  public static final int MIN_BLOCK = 4096;
  public static final int MAX_BLOCK = 64 << 20;

  public enum Kind { FILE, DIRECTORY, SYMLINK }

  /**
   * @param path relative to the data directory, clean (no leading "./", no trailing "/")
   * @param dataOffset tar offset of a file's first byte (0 for other kinds)
   * @param blocks {@link BlockHash} of each block of a file's content; empty for other kinds
   */
  public record Member(String path, Kind kind, int mode, long size, long dataOffset,
      String linkTarget, long[] blocks) {

    public Member {
      blocks = blocks == null ? new long[0] : blocks;
    }

    public int blockCount() {
      return blocks.length;
    }
  }

  public TarIndex {
    members = List.copyOf(members);
  }

  /** How many blocks a file of {@code size} bytes has. */
  public static int blocksOf(long size, int blockSize) {
    return Math.toIntExact((size + blockSize - 1) / blockSize);
  }

  /** The length of block {@code block} of a file of {@code size} bytes. */
  public static int blockLength(long size, int blockSize, int block) {
    return (int) Math.min(blockSize, size - (long) block * blockSize);
  }
}
