package dev.restoreflow.activities.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cConcatTest {

  @Test
  void theCrcOfTwoPiecesIsTheCrcOfTheirConcatenation() {
    Random random = new Random(18);
    for (int length : new int[] {0, 1, 7, 512, 4096, 131072, 200_001}) {
      for (int split : new int[] {0, 1, length / 3, length / 2, length}) {
        if (split > length) {
          continue;
        }
        byte[] data = new byte[length];
        random.nextBytes(data);
        int whole = crc(data, 0, length);
        int first = crc(data, 0, split);
        int second = crc(data, split, length - split);
        assertEquals(whole, Crc32cConcat.concat(first, second, length - split),
            "length " + length + " split at " + split);
      }
    }
  }

  @Test
  void blocksConcatenatedOneByOneGiveTheFilesCrc() {
    byte[] data = new byte[10 * 4096 + 123];
    new Random(7).nextBytes(data);
    int whole = 0;
    for (int block = 0; block * 4096 < data.length; block++) {
      int length = Math.min(4096, data.length - block * 4096);
      int crc = crc(data, block * 4096, length);
      whole = block == 0 ? crc : Crc32cConcat.concat(whole, crc, length);
    }
    assertEquals(crc(data, 0, data.length), whole);
  }

  private static int crc(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }
}
