package dev.restoreflow.activities.archive;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
public final class ChunkedCompressor implements AutoCloseable {

  private final InputStream raw;
  private final Compression compression;
  private final int chunkSize;
  private final List<Chunk> chunks = new ArrayList<>();
  private final OrderedWorkStream compressed;
  private final PieceListener listener;
  private long rawOffset;
  private long storedOffset;
  private int chunksReached;
  private boolean inputEnded;

  /** Sees each piece of input in order, before it is compressed (e.g. a {@link TarIndexer}). */
  public interface PieceListener {
    void accept(byte[] piece) throws IOException;
  }

  public ChunkedCompressor(InputStream raw, Compression compression, int chunkSize, int threads) {
    this(raw, compression, chunkSize, threads, piece -> { });
  }

  public ChunkedCompressor(InputStream raw, Compression compression, int chunkSize, int threads,
      PieceListener listener) {
    this.raw = raw;
    this.listener = listener;
    this.compression = compression;
    this.chunkSize = chunkSize;
    this.compressed = new OrderedWorkStream("compress-" + compression.configName(), threads,
        threads * 2) {
      @Override
      protected Callable<byte[]> nextWork() throws IOException {
        return nextPiece();
      }

      @Override
      protected void reached(byte[] bytes) {
        Chunk chunk = chunks.get(chunksReached);
        chunks.set(chunksReached++, new Chunk(storedOffset, chunk.tarOffset()));
        storedOffset += bytes.length;
      }
    };
  }

  /** The restart points, complete once {@link #compressed()} has been read to its end. */
  public List<Chunk> chunks() {
    return List.copyOf(chunks);
  }

  public long rawBytes() {
    return rawOffset;
  }

  public InputStream compressed() {
    return compressed;
  }

  /** Reads the next piece of input; its compression is the work. Null at the input's end. */
  private Callable<byte[]> nextPiece() throws IOException {
    if (inputEnded) {
      return null;
    }
    byte[] piece = raw.readNBytes(chunkSize);
    if (piece.length < chunkSize) {
      inputEnded = true;
    }
    if (piece.length == 0) {
      return null;
    }
    listener.accept(piece);
    chunks.add(new Chunk(-1, rawOffset));
    rawOffset += piece.length;
    return () -> {
      try {
        return compress(piece);
      } catch (IOException e) {
        throw new IOException("compression failed: " + e.getMessage(), e);
      }
    };
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
    compressed.close();
  }

  /** gzip at level 1: the restore's speed matters more than a few percent of size. */
  private static final class FastGzipOutputStream extends GZIPOutputStream {
    FastGzipOutputStream(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
