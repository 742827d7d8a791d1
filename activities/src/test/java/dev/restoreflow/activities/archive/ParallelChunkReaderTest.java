package dev.restoreflow.activities.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.storage.FileObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ParallelChunkReaderTest {

  private static final int CHUNK = 64 * 1024;

  @TempDir
  Path dir;

  /** Compressible but not trivial: words from a small vocabulary, with random numbers. */
  private static byte[] data(int size) {
    Random random = new Random(42);
    StringBuilder text = new StringBuilder();
    String[] words = {"relation", "page", "tuple", "xmin", "checkpoint", "lsn"};
    while (text.length() < size) {
      text.append(words[random.nextInt(words.length)]).append(' ').append(random.nextInt(10_000))
          .append('\n');
    }
    return text.substring(0, size).getBytes();
  }

  private record Written(byte[] raw, List<Chunk> chunks, long storedSize) {}

  private Written write(Compression compression, byte[] raw) throws IOException {
    try (ChunkedCompressor compressor = new ChunkedCompressor(new ByteArrayInputStream(raw),
        compression, CHUNK, 2);
        FileObjectStore store = new FileObjectStore(dir)) {
      long size = store.write("object", compressor.compressed());
      return new Written(raw, compressor.chunks(), size);
    }
  }

  private byte[] read(Written written, Compression compression, int first, AtomicLong downloaded)
      throws IOException {
    try (FileObjectStore store = new FileObjectStore(dir);
        InputStream in = new ParallelChunkReader(store, "object", compression, written.chunks(),
            first, written.storedSize(), written.raw().length, 3, downloaded)) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void everyChunkDecompressesInOrderFromAnyStartingChunk(Compression compression)
      throws IOException {
    Written written = write(compression, data(10 * CHUNK + 1234));
    assertEquals(11, written.chunks().size(), written.chunks().toString());
    AtomicLong downloaded = new AtomicLong();
    assertArrayEquals(written.raw(), read(written, compression, 0, downloaded));
    assertEquals(written.storedSize(), downloaded.get(), "every stored byte counted once");

    Chunk seventh = written.chunks().get(7);
    byte[] rest = read(written, compression, 7, new AtomicLong());
    assertArrayEquals(Arrays.copyOfRange(written.raw(), (int) seventh.tarOffset(),
        written.raw().length), rest);
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD", "LZ4"})
  void aDamagedChunkIsCorruptAndNamedByItsOffset(Compression compression) throws IOException {
    Written written = write(compression, data(6 * CHUNK));
    Chunk third = written.chunks().get(3);
    Path object = dir.resolve("object");
    byte[] stored = Files.readAllBytes(object);
    for (int i = 0; i < 16; i++) {
      stored[(int) third.storedOffset() + 20 + i] ^= 0x5A;
    }
    Files.write(object, stored);
    IOException e = assertThrows(IOException.class,
        () -> read(written, compression, 0, new AtomicLong()));
    assertTrue(e.getMessage().contains("chunk at byte " + third.storedOffset()), e.getMessage());
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aTruncatedObjectSaysSo(Compression compression) throws IOException {
    Written written = write(compression, data(4 * CHUNK));
    Path object = dir.resolve("object");
    byte[] stored = Files.readAllBytes(object);
    Files.write(object, Arrays.copyOf(stored, stored.length - 100));
    IOException e = assertThrows(IOException.class,
        () -> read(written, compression, 0, new AtomicLong()));
    assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("corrupt"),
        e.getMessage());
  }
}
