package dev.restoreflow.activities.archive;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CRC-32C of concatenated pieces from the pieces' own CRCs and lengths, as zlib's
 * {@code crc32_combine} does it for CRC-32 (appending n zero bytes is a linear operator on the
 * CRC register over GF(2), a 32x32 bit matrix). A file compared block by block on several
 * threads gets its whole CRC — the one its backup manifest records — without being read again.
 * The operator for each length is built once (blocks have one length but the last).
 */
public final class Crc32cConcat {

  /** CRC-32C's polynomial, bit-reflected. */
  private static final int POLY = 0x82F63B78;

  private static final Map<Long, int[]> SHIFTS = new ConcurrentHashMap<>();

  private Crc32cConcat() {}

  /** The CRC-32C of A followed by B, from A's CRC, B's CRC and B's length. */
  public static int concat(int crcA, int crcB, long lengthB) {
    if (lengthB <= 0) {
      return crcA;
    }
    return times(SHIFTS.computeIfAbsent(lengthB, Crc32cConcat::shiftOperator), crcA) ^ crcB;
  }

  /** The matrix whose column n is where bit n of the register goes after {@code length} zero bytes. */
  private static int[] shiftOperator(long length) {
    int[] operator = new int[32];
    for (int n = 0; n < 32; n++) {
      operator[n] = shift(1 << n, length);
    }
    return operator;
  }

  /** zlib's crc32_combine with a zero second CRC: the register after {@code length} zero bytes. */
  private static int shift(int crc, long length) {
    int[] odd = new int[32];
    int[] even = new int[32];
    odd[0] = POLY;
    int row = 1;
    for (int n = 1; n < 32; n++) {
      odd[n] = row;
      row <<= 1;
    }
    square(even, odd);   // two zero bits
    square(odd, even);   // four zero bits
    long left = length;
    do {
      square(even, odd);
      if ((left & 1) != 0) {
        crc = times(even, crc);
      }
      left >>>= 1;
      if (left == 0) {
        break;
      }
      square(odd, even);
      if ((left & 1) != 0) {
        crc = times(odd, crc);
      }
      left >>>= 1;
    } while (left != 0);
    return crc;
  }

  private static int times(int[] matrix, int vector) {
    int sum = 0;
    for (int i = 0; vector != 0; i++, vector >>>= 1) {
      if ((vector & 1) != 0) {
        sum ^= matrix[i];
      }
    }
    return sum;
  }

  private static void square(int[] square, int[] matrix) {
    for (int n = 0; n < 32; n++) {
      square[n] = times(matrix, matrix[n]);
    }
  }
}
