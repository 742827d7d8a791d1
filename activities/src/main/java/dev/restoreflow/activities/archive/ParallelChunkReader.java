package dev.restoreflow.activities.archive;

import dev.restoreflow.activities.storage.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tar stream of a tarball restoreflow wrote in independent chunks, from chunk {@code first}
 * on: each chunk is one ranged GET decompressed on a thread of its own, {@code parallel} of them
 * ahead of the reader, handed out in order. A single gzip stream inflates on one core; chunks
 * inflate on all of them, while the reader writes.
 *
 * <p>Every chunk must decompress to exactly the tar bytes backup.json gives it (its next
 * chunk's tar offset minus its own), so a corrupt chunk is named by its offset.
 */
public final class ParallelChunkReader extends OrderedWorkStream {

  private final ObjectStore store;
  private final String key;
  private final Compression compression;
  private final List<Chunk> chunks;
  private final long storedSize;
  private final long tarBytes;
  private final AtomicLong downloaded;
  private int nextChunk;

  /**
   * @param chunks every chunk of the object, in order
   * @param storedSize the object's size
   * @param tarBytes the size of the whole tar stream
   */
  public ParallelChunkReader(ObjectStore store, String key, Compression compression, List<Chunk> chunks,
      int first, long storedSize, long tarBytes, int parallel, AtomicLong downloaded) {
    super("fetch-chunk", parallel, parallel);
    this.store = store;
    this.key = key;
    this.compression = compression;
    this.chunks = List.copyOf(chunks);
    this.storedSize = storedSize;
    this.tarBytes = tarBytes;
    this.downloaded = downloaded;
    this.nextChunk = first;
  }

  @Override
  protected Callable<byte[]> nextWork() {
    if (nextChunk >= chunks.size()) {
      return null;
    }
    int index = nextChunk++;
    return () -> decode(index);
  }

  private byte[] decode(int index) throws IOException {
    Chunk chunk = chunks.get(index);
    boolean last = index == chunks.size() - 1;
    long storedEnd = last ? storedSize : chunks.get(index + 1).storedOffset();
    long tarEnd = last ? tarBytes : chunks.get(index + 1).tarOffset();
    long expected = tarEnd - chunk.tarOffset();
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
      throw new CorruptObjectException("the chunk at byte " + chunk.storedOffset() + " does not decompress"
          + " to the " + expected + " bytes of tar backup.json gives it: the object is corrupt");
    }
    return bytes;
  }
}
