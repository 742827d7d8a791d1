package dev.restoreflow.activities.basebackup;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * Compresses a tar stream as a series of independent gzip members / zstd frames / lz4 frames,
 * one per {@code chunkSize} bytes of input, on several threads (order kept). The result is an
 * ordinary {@code .tar.gz} / {@code .tar.zst} / {@code .tar.lz4} ({@code tar xzf} reads it) whose
 * chunk starts are restart points, recorded in {@link #chunks()}.
 *
 * <p>Read the compressed bytes from {@link #compressed()}; it ends when the input does.
 */
final class ChunkedCompressor implements AutoCloseable {

  private final InputStream raw;
  private final Compression compression;
  private final int chunkSize;
  private final ExecutorService pool;
  private final int inFlight;
  private final Deque<Future<byte[]>> pending = new ArrayDeque<>();
  private final List<Chunk> chunks = new ArrayList<>();
  private long rawOffset;
  private long storedOffset;
  private boolean inputEnded;

  ChunkedCompressor(InputStream raw, Compression compression, int chunkSize, int threads) {
    this.raw = raw;
    this.compression = compression;
    this.chunkSize = chunkSize;
    this.inFlight = threads * 2;
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "compress-" + compression.configName());
      t.setDaemon(true);
      return t;
    });
  }

  /** The restart points, complete once {@link #compressed()} has been read to its end. */
  List<Chunk> chunks() {
    return List.copyOf(chunks);
  }

  long rawBytes() {
    return rawOffset;
  }

  InputStream compressed() {
    return new InputStream() {
      private byte[] current = new byte[0];
      private int position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        while (position == current.length) {
          current = nextChunk();
          position = 0;
          if (current == null) {
            current = new byte[0];
            return -1;
          }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
      }
    };
  }

  /** The next compressed chunk in order, or null at the end. */
  private byte[] nextChunk() throws IOException {
    while (!inputEnded && pending.size() < inFlight) {
      byte[] piece = raw.readNBytes(chunkSize);
      if (piece.length == 0) {
        inputEnded = true;
        break;
      }
      chunks.add(new Chunk(-1, rawOffset));
      rawOffset += piece.length;
      pending.add(pool.submit(() -> compress(piece)));
      if (piece.length < chunkSize) {
        inputEnded = true;
      }
    }
    Future<byte[]> next = pending.poll();
    if (next == null) {
      return null;
    }
    byte[] compressed;
    try {
      compressed = next.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while compressing", e);
    } catch (ExecutionException e) {
      throw new IOException("compression failed: " + e.getCause().getMessage(), e.getCause());
    }
    int index = chunks.size() - pending.size() - 1;
    chunks.set(index, new Chunk(storedOffset, chunks.get(index).tarOffset()));
    storedOffset += compressed.length;
    return compressed;
  }

  private byte[] compress(byte[] piece) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(piece.length / 2 + 1024);
    try (OutputStream stream = switch (compression) {
      case GZIP -> new FastGzipOutputStream(out);
      case ZSTD -> new ZstdOutputStream(out, 3).setChecksum(true);
      case LZ4 -> new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB,
          LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
          LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
      case NONE -> out;
    }) {
      stream.write(piece);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** gzip at level 1: the restore's speed matters more than a few percent of size. */
  private static final class FastGzipOutputStream extends GZIPOutputStream {
    FastGzipOutputStream(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
