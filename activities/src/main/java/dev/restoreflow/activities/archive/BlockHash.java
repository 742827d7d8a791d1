package dev.restoreflow.activities.archive;

import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The hash a delta restore compares blocks by: XXH64 (lz4-java's, native where it loads). Not
 * CRC-32C: a file that ends with the CRC-32C of what comes before it (pg_control,
 * pg_filenode.map, then zero padding) has the same CRC-32C whatever it holds — the CRC's residue —
 * so two different pg_control files would look the same. XXH64 is not linear.
 */
public final class BlockHash {

  private static final XXHash64 XXH64 = XXHashFactory.fastestInstance().hash64();

  private BlockHash() {}

  public static long of(byte[] bytes, int offset, int length) {
    return XXH64.hash(bytes, offset, length, 0);
  }
}
