package dev.restoreflow.activities.archive;

import dev.restoreflow.activities.storage.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One chunk of a tarball restoreflow wrote in independent chunks: one ranged GET, decompressed
 * into exactly the tar bytes backup.json gives it (its next chunk's tar offset minus its own), so
 * a corrupt chunk is named by its offset. Safe to call from several threads.
 */
public final class ChunkDecoder {

  private final ObjectStore store;
  private final String key;
  private final Compression compression;
  private final List<Chunk> chunks;
  private final long storedSize;
  private final long tarBytes;
  private final AtomicLong downloaded;

  /**
   * @param chunks every chunk of the object, in order
   * @param storedSize the object's size
   * @param tarBytes the size of the whole tar stream
   * @param downloaded counts every byte received
   */
  public ChunkDecoder(ObjectStore store, String key, Compression compression, List<Chunk> chunks,
      long storedSize, long tarBytes, AtomicLong downloaded) {
    this.store = store;
    this.key = key;
    this.compression = compression;
    this.chunks = List.copyOf(chunks);
    this.storedSize = storedSize;
    this.tarBytes = tarBytes;
    this.downloaded = downloaded;
  }

  public int chunkCount() {
    return chunks.size();
  }

  /** The tar offset where chunk {@code index} starts ({@code chunkCount()}: the stream's end). */
  public long tarStart(int index) {
    return index == chunks.size() ? tarBytes : chunks.get(index).tarOffset();
  }

  /** The stored bytes of chunk {@code index}. */
  public long storedLength(int index) {
    long end = index == chunks.size() - 1 ? storedSize : chunks.get(index + 1).storedOffset();
    return end - chunks.get(index).storedOffset();
  }

  /** The chunk's tar bytes, from {@link #tarStart}(index) to {@link #tarStart}(index + 1). */
  public byte[] decode(int index) throws IOException {
    Chunk chunk = chunks.get(index);
    long storedEnd = chunk.storedOffset() + storedLength(index);
    long expected = tarStart(index + 1) - chunk.tarOffset();
    byte[] stored = store.readRange(key, chunk.storedOffset(), storedEnd);
    downloaded.addAndGet(stored.length);
    if (stored.length != storedEnd - chunk.storedOffset()) {
      throw new CorruptObjectException("bytes " + chunk.storedOffset() + "-" + (storedEnd - 1)
          + " came back short (" + stored.length + " bytes): the object is truncated");
    }
    if (compression == Compression.NONE && stored.length == expected) {
      return stored;
    }
    // straight into an array of the size backup.json gives: no growing, no copies (garbage
    // collection on a busy host costs more than the inflating)
    byte[] bytes = new byte[(int) expected];
    int decompressed;
    boolean trailing;
    try (InputStream tar = compression.decompress(new ByteArrayInputStream(stored))) {
      decompressed = tar.readNBytes(bytes, 0, bytes.length);
      trailing = tar.read() >= 0;
    } catch (IOException e) {
      throw new CorruptObjectException("the chunk at byte " + chunk.storedOffset()
          + " does not decompress (" + e.getMessage() + "): the object is corrupt", e);
    }
    if (decompressed != expected || trailing) {
      throw new CorruptObjectException("the chunk at byte " + chunk.storedOffset()
          + " does not decompress to the " + expected + " bytes of tar backup.json gives it:"
          + " the object is corrupt");
    }
    return bytes;
  }
}
