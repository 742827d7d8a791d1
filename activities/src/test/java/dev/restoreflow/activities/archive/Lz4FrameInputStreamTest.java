package dev.restoreflow.activities.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Lz4FrameInputStreamTest {

  @TempDir
  Path dir;

  /** Compressible but not trivial: repeated phrases with random noise, like table pages. */
  private static byte[] sample(int size) {
    Random random = new Random(11);
    byte[] data = new byte[size];
    byte[] phrase = "row 00042|balance 1234.56|alice->bob|".getBytes();
    for (int i = 0; i < size; i++) {
      data[i] = random.nextInt(10) == 0 ? (byte) random.nextInt(256) : phrase[i % phrase.length];
    }
    return data;
  }

  @Test
  void readsLinkedBlockFramesAsTheLz4ToolAndPostgresWriteThem() throws Exception {
    byte[] data = sample(3_000_000);
    Path plain = dir.resolve("data");
    Files.write(plain, data);
    for (String blockFlags : new String[] {"-BD", "-BI"}) {
      for (String checksum : new String[] {"--content-size", "--no-frame-crc"}) {
        Path packed = dir.resolve("data.lz4");
        Process lz4 = new ProcessBuilder("lz4", "-q", "-f", blockFlags, "-B4", "-BX",
            checksum, plain.toString(), packed.toString()).inheritIO().start();
        assertEquals(0, lz4.waitFor(), "lz4 CLI (scripts/setup installs it)");
        byte[] compressed = Files.readAllBytes(packed);
        byte[] twoFrames = concat(compressed, compressed);
        assertArrayEquals(concat(data, data), decode(twoFrames), blockFlags + " " + checksum);
      }
    }
  }

  @Test
  void readsWhatLz4JavaWrites() throws Exception {
    byte[] data = sample(1_234_567);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LZ4FrameOutputStream lz4 = new LZ4FrameOutputStream(out,
        LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
        LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM)) {
      lz4.write(data);
    }
    assertArrayEquals(data, decode(out.toByteArray()));
  }

  @Test
  void corruptOrTruncatedFramesAreErrors() throws Exception {
    byte[] data = sample(500_000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LZ4FrameOutputStream lz4 = new LZ4FrameOutputStream(out,
        LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
        LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM)) {
      lz4.write(data);
    }
    byte[] good = out.toByteArray();
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    assertThrows(IOException.class, () -> decode(flipped));
    assertThrows(EOFException.class, () -> decode(Arrays.copyOf(good, good.length / 3)));
    assertThrows(IOException.class, () -> decode("not lz4 at all".getBytes()));
  }

  private static byte[] decode(byte[] compressed) throws IOException {
    try (Lz4FrameInputStream in = new Lz4FrameInputStream(new ByteArrayInputStream(compressed))) {
      return in.readAllBytes();
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
