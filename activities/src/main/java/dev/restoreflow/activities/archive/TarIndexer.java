package dev.restoreflow.activities.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link TarIndex} of a tar stream while it passes by: the pieces the compressor reads
 * are handed over ({@link #accept}) and read by {@link TarReader} on a thread of its own, which
 * notes each member's offsets and the {@link BlockHash} of each block of every file. A few pieces are
 * queued; a slow index holds the compressor back rather than buffering the backup.
 *
 * <p>An index that cannot be built (a stream TarReader does not understand) is no reason to fail
 * the backup: {@link #finish} then says why and the backup has no index (no delta restore).
 */
public final class TarIndexer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TarIndexer.class);
  private static final byte[] END = new byte[0];

  private final int blockSize;
  private final BlockingQueue<byte[]> pieces = new ArrayBlockingQueue<>(4);
  private final Thread reader;
  private final List<TarIndex.Member> members = new ArrayList<>();
  private volatile Exception failure;
  private volatile boolean done;

  public TarIndexer(int blockSize) {
    if (blockSize < TarIndex.MIN_BLOCK || blockSize > TarIndex.MAX_BLOCK) {
      throw new IllegalArgumentException("block size " + blockSize);
    }
    this.blockSize = blockSize;
    this.reader = new Thread(this::read, "tar-index");
    reader.setDaemon(true);
    reader.start();
  }

  /** The next piece of the stream, in order; the array is not changed afterwards. */
  public void accept(byte[] piece) throws IOException {
    if (piece.length > 0) {
      put(piece);
    }
  }

  /** The stream has ended: the index, or empty (logged) when it could not be built. */
  public Optional<TarIndex> finish() throws InterruptedException {
    put(END);
    reader.join();
    if (failure != null) {
      log.warn("no file index for this backup (delta restores of it will not be possible): {}",
          failure.getMessage());
      return Optional.empty();
    }
    return Optional.of(new TarIndex(blockSize, members));
  }

  @Override
  public void close() {
    done = true;
    pieces.clear();
    reader.interrupt();
  }

  private void put(byte[] piece) {
    // once the reader has stopped (a failure), pieces are dropped, never waited on
    try {
      while (!done && !pieces.offer(piece, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        // the reader is behind: wait for it
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void read() {
    try (InputStream stream = new PieceStream()) {
      TarReader tar = new TarReader(stream);
      byte[] buffer = new byte[blockSize];
      for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
        String path = TarExtractor.clean(entry.name());
        if (path.isEmpty()) {
          continue;   // the data directory itself
        }
        if (entry.isDirectory()) {
          members.add(new TarIndex.Member(path, TarIndex.Kind.DIRECTORY, entry.mode() & 07777, 0, 0,
              null, null));
        } else if (entry.isSymlink()) {
          members.add(new TarIndex.Member(path, TarIndex.Kind.SYMLINK, entry.mode() & 07777, 0, 0,
              entry.linkTarget(), null));
        } else if (entry.isFile()) {
          long dataOffset = tar.position();
          long[] blocks = new long[TarIndex.blocksOf(entry.size(), blockSize)];
          InputStream content = tar.content();
          for (int b = 0; b < blocks.length; b++) {
            int length = TarIndex.blockLength(entry.size(), blockSize, b);
            if (content.readNBytes(buffer, 0, length) != length) {
              throw new IOException("the stream ends inside " + path);
            }
            blocks[b] = BlockHash.of(buffer, 0, length);
          }
          members.add(new TarIndex.Member(path, TarIndex.Kind.FILE, entry.mode() & 07777, entry.size(),
              dataOffset, null, blocks));
        } else {
          throw new IOException("tar member '" + path + "' is a hard link");
        }
      }
      stream.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (Exception e) {
      failure = e;
      done = true;
      pieces.clear();
    }
  }

  /** The queued pieces as one stream. */
  private final class PieceStream extends InputStream {
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      while (position == current.length) {
        if (ended) {
          return -1;
        }
        try {
          current = pieces.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("the index was abandoned", e);
        }
        position = 0;
        ended = current == END;
      }
      int n = Math.min(length, current.length - position);
      System.arraycopy(current, position, buffer, offset, n);
      position += n;
      return n;
    }
  }
}
