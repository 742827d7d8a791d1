package dev.restoreflow.activities.archive;

import dev.restoreflow.activities.storage.ObjectStore;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tar stream of a tarball restoreflow wrote in independent chunks, from chunk {@code first}
 * on: each chunk is one ranged GET decompressed on a thread of its own ({@link ChunkDecoder}),
 * {@code parallel} of them ahead of the reader, handed out in order. A single gzip stream
 * inflates on one core; chunks inflate on all of them, while the reader writes.
 */
public final class ParallelChunkReader extends OrderedWorkStream {

  private final ChunkDecoder decoder;
  private int nextChunk;

  /**
   * @param chunks every chunk of the object, in order
   * @param storedSize the object's size
   * @param tarBytes the size of the whole tar stream
   */
  public ParallelChunkReader(ObjectStore store, String key, Compression compression, List<Chunk> chunks,
      int first, long storedSize, long tarBytes, int parallel, AtomicLong downloaded) {
    super("fetch-chunk", parallel, parallel);
    this.decoder = new ChunkDecoder(store, key, compression, chunks, storedSize, tarBytes,
        downloaded);
    this.nextChunk = first;
  }

  @Override
  protected Callable<byte[]> nextWork() {
    if (nextChunk >= decoder.chunkCount()) {
      return null;
    }
    int index = nextChunk++;
    return () -> decoder.decode(index);
  }
}
