package dev.restoreflow.activities.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Reads the LZ4 frame format, including frames of <em>linked</em> blocks (each block may refer to
 * the 64 KiB before it) — what PostgreSQL's {@code pg_basebackup --compress=client-lz4} writes.
 * lz4-java's own frame reader refuses linked blocks, so blocks are decoded here; lz4-java's
 * XXHash32 checks the block and content checksums. Concatenated and skippable frames are read too.
 */
public final class Lz4FrameInputStream extends InputStream {

  private static final int MAGIC = 0x184D2204;
  private static final int HISTORY = 64 * 1024;

  private final InputStream in;
  private final StreamingXXHash32 contentHash = XXHashFactory.fastestInstance().newStreamingHash32(0);
  private final XXHashFactory hashes = XXHashFactory.fastestInstance();
  private byte[] window = new byte[0];
  private byte[] block = new byte[0];
  private int historyLength;
  private int readPos;
  private int readEnd;
  private boolean linked;
  private boolean blockChecksums;
  private boolean contentChecksum;
  private boolean inFrame;
  private boolean finished;
  private boolean endOfInput;

  public Lz4FrameInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    while (readPos == readEnd) {
      if (!nextBlock()) {
        return -1;
      }
    }
    int n = Math.min(length, readEnd - readPos);
    System.arraycopy(window, readPos, buffer, offset, n);
    readPos += n;
    return n;
  }

  /** Decodes the next block into the window; false at the end of the stream. */
  private boolean nextBlock() throws IOException {
    if (finished) {
      return false;
    }
    if (!inFrame && !startFrame()) {
      finished = true;
      return false;
    }
    keepHistory();
    int size = readIntLE(true);
    if (size == 0) {
      endFrame();
      return true;   // the caller loops; the next call starts the next frame or ends
    }
    boolean uncompressed = (size & 0x80000000) != 0;
    size &= 0x7fffffff;
    if (size > block.length) {
      throw new CorruptObjectException("lz4 block of " + size + " bytes is larger than the frame allows: corrupt");
    }
    readFully(block, size);
    if (blockChecksums) {
      int expected = readIntLE(true);
      if (hashes.hash32().hash(block, 0, size, 0) != expected) {
        throw new CorruptObjectException("lz4 block checksum mismatch: the object is corrupt");
      }
    }
    int produced = uncompressed ? copyRaw(size) : decodeBlock(size);
    if (contentChecksum) {
      contentHash.update(window, historyLength, produced);
    }
    readPos = historyLength;
    readEnd = historyLength + produced;
    return true;
  }

  private boolean startFrame() throws IOException {
    while (true) {
      int magic = readIntLE(false);
      if (magic == -1 && endOfInput) {
        return false;
      }
      if ((magic & 0xFFFFFFF0) == 0x184D2A50) {   // skippable frame
        skipFully(readIntLE(true) & 0xffffffffL);
        continue;
      }
      if (magic != MAGIC) {
        throw new CorruptObjectException("not an lz4 frame (magic " + Integer.toHexString(magic) + "): corrupt");
      }
      break;
    }
    int flg = readByte();
    int bd = readByte();
    if ((flg >>> 6) != 1) {
      throw new IOException("lz4 frame version " + (flg >>> 6) + " is not supported");
    }
    linked = (flg & 0x20) == 0;
    blockChecksums = (flg & 0x10) != 0;
    boolean contentSize = (flg & 0x08) != 0;
    contentChecksum = (flg & 0x04) != 0;
    if ((flg & 0x01) != 0) {
      throw new IOException("lz4 frames with a dictionary id are not supported");
    }
    int sizeId = (bd >>> 4) & 0x7;
    if (sizeId < 4) {
      throw new CorruptObjectException("lz4 frame has an invalid block size id " + sizeId + ": corrupt");
    }
    int blockMax = 1 << (8 + 2 * sizeId);
    if (contentSize) {
      skipFully(8);
    }
    readByte();   // header checksum
    if (block.length < blockMax) {
      block = new byte[blockMax];
      byte[] bigger = new byte[HISTORY + blockMax];
      System.arraycopy(window, 0, bigger, 0, Math.min(window.length, bigger.length));
      window = bigger;
    }
    historyLength = 0;
    readPos = 0;
    readEnd = 0;
    contentHash.reset();
    inFrame = true;
    return true;
  }

  private void endFrame() throws IOException {
    if (contentChecksum) {
      int expected = readIntLE(true);
      if (contentHash.getValue() != expected) {
        throw new CorruptObjectException("lz4 content checksum mismatch: the object is corrupt");
      }
    }
    inFrame = false;
    historyLength = 0;
    readPos = 0;
    readEnd = 0;
  }

  /** Linked blocks may refer to the last 64 KiB decoded; keep them in front of the next block. */
  private void keepHistory() {
    if (!linked) {
      historyLength = 0;
      return;
    }
    int keep = Math.min(HISTORY, readEnd);
    System.arraycopy(window, readEnd - keep, window, 0, keep);
    historyLength = keep;
  }

  private int copyRaw(int size) {
    System.arraycopy(block, 0, window, historyLength, size);
    return size;
  }

  /** LZ4 block format: sequences of literals and (offset, length) matches. */
  private int decodeBlock(int size) throws IOException {
    byte[] src = block;
    byte[] dst = window;
    int sp = 0;
    int dp = historyLength;
    int limit = window.length;
    while (true) {
      if (sp >= size) {
        throw corrupt();
      }
      int token = src[sp++] & 0xff;
      int literals = token >>> 4;
      if (literals == 15) {
        int b;
        do {
          if (sp >= size) {
            throw corrupt();
          }
          b = src[sp++] & 0xff;
          literals += b;
        } while (b == 255);
      }
      if (sp + literals > size || dp + literals > limit) {
        throw corrupt();
      }
      System.arraycopy(src, sp, dst, dp, literals);
      sp += literals;
      dp += literals;
      if (sp == size) {
        return dp - historyLength;   // the last sequence has literals only
      }
      if (sp + 2 > size) {
        throw corrupt();
      }
      int offset = (src[sp] & 0xff) | ((src[sp + 1] & 0xff) << 8);
      sp += 2;
      int match = token & 15;
      if (match == 15) {
        int b;
        do {
          if (sp >= size) {
            throw corrupt();
          }
          b = src[sp++] & 0xff;
          match += b;
        } while (b == 255);
      }
      match += 4;
      int from = dp - offset;
      if (offset == 0 || from < 0 || dp + match > limit) {
        throw corrupt();
      }
      if (offset >= match) {
        System.arraycopy(dst, from, dst, dp, match);
      } else {
        for (int i = 0; i < match; i++) {
          dst[dp + i] = dst[from + i];
        }
      }
      dp += match;
    }
  }

  /** @param required false: -1 with {@link #endOfInput} set when the input ends before it */
  private int readIntLE(boolean required) throws IOException {
    int b0 = in.read();
    if (b0 < 0 && !required) {
      endOfInput = true;
      return -1;
    }
    int b1 = in.read();
    int b2 = in.read();
    int b3 = in.read();
    if ((b0 | b1 | b2 | b3) < 0) {
      throw new EOFException("the lz4 stream ends early: the object is truncated");
    }
    return b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("the lz4 stream ends early: the object is truncated");
    }
    return b;
  }

  private void readFully(byte[] buffer, int size) throws IOException {
    if (in.readNBytes(buffer, 0, size) < size) {
      throw new EOFException("the lz4 stream ends inside a block: the object is truncated");
    }
  }

  private void skipFully(long count) throws IOException {
    in.skipNBytes(count);
  }

  private static IOException corrupt() {
    return new CorruptObjectException("lz4 block does not decode: the object is corrupt");
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
