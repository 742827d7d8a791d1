package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.archive.BlockHash;
import dev.restoreflow.activities.archive.ChunkDecoder;
import dev.restoreflow.activities.archive.Compression;
import dev.restoreflow.activities.archive.ConfinedDirectory;
import dev.restoreflow.activities.archive.CorruptObjectException;
import dev.restoreflow.activities.archive.Crc32cConcat;
import dev.restoreflow.activities.archive.TarExtractor;
import dev.restoreflow.activities.archive.TarIndex;
import dev.restoreflow.activities.archive.UnsafePathException;
import dev.restoreflow.activities.storage.ObjectStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * FetchS3 of a delta restore: the data directory is compared with the backup's file index
 * ({@link TarIndex}) instead of being wiped. What the backup does not have is removed; each
 * file's blocks are read and their hash ({@link BlockHash}) compared with the index (on several
 * threads); only the
 * chunks of the tarball that hold blocks that differ are downloaded, and only those blocks are
 * written. Then every file's whole CRC-32C — from the bytes read, and the written blocks read
 * back — goes to the manifest check. It is a delta against whatever is on disk, so a delta that
 * was killed half-way is simply run again.
 *
 * <p>The index is untrusted: every path goes through {@link ConfinedDirectory}, and its offsets
 * were checked against the tarball's size when it was read ({@link BackupFileIndex}).
 */
final class DeltaFetcher {

  /** Blocks compared by one task: large files are compared on every thread. */
  private static final int SEGMENT_BLOCKS = 256;
  /**
   * Reads in flight while comparing: the disk, not the CPU, is the limit (a cold 1.6 GB data
   * directory here: 2.5 s with one reader, 1.0 s with 4, 0.8 s with 8).
   */
  private static final int COMPARE_THREADS = 8;

  /** Told now and then while the delta runs; throws when the step must stop. */
  interface Beat {
    void check() throws IOException;
  }

  /**
   * What the delta did. {@code checksums}: CRC-32C of every file read or written, by its manifest
   * path; {@code unread}: the files kept without reading them ({@link FileStamps}), by manifest
   * path (of the files kept: {@code bytesUnread} of {@code bytesKept}).
   */
  record Outcome(long filesKept, long bytesKept, long filesChanged, long blocksWritten,
      long bytesWritten, long filesCreated, long entriesRemoved, long bytesRemoved,
      int chunksFetched, int chunks, int walFiles, Map<String, Integer> checksums,
      long compareMillis, long fetchMillis, Set<String> unread, long bytesUnread) {

    Outcome {
      unread = Set.copyOf(unread);
    }
  }

  /** A file of the backup and what its copy on disk has in common with it. */
  private static final class FileState {
    final TarIndex.Member member;
    final Path path;
    final long diskSize;
    final boolean[] same;
    /** CRC-32C of each block as it is on disk (for the manifest check). */
    final int[] crcs;
    /** Known to hold the backup's content without reading it: its stamp did not change. */
    final boolean unchanged;

    FileState(TarIndex.Member member, Path path, long diskSize, boolean unchanged) {
      this.member = member;
      this.path = path;
      this.diskSize = diskSize;
      this.same = new boolean[member.blockCount()];
      this.crcs = new int[member.blockCount()];
      this.unchanged = unchanged;
      if (unchanged) {
        Arrays.fill(same, true);
      }
    }
  }

  /** Blocks first..last of a file to write: tar bytes [tarStart, tarEnd). */
  private record Piece(FileState file, int first, int last, long tarStart, long tarEnd) {}

  private final ObjectStore store;
  private final BaseBackupConfig config;
  private final Path pgdata;
  private final AtomicLong compared = new AtomicLong();
  private final AtomicLong writtenBytes = new AtomicLong();
  private volatile boolean writing;
  private volatile long phaseTotal;

  DeltaFetcher(ObjectStore store, BaseBackupConfig config, Path pgdata) {
    this.store = store;
    this.config = config;
    this.pgdata = pgdata;
  }

  /** Bytes of the data directory compared so far. */
  long comparedBytes() {
    return compared.get();
  }

  /**
   * How far the running phase is, in bytes: while comparing, the bytes of the data directory
   * read against the bytes there are to compare; while fetching, the bytes written of the bytes
   * that differ. 0 of 0 before the comparison starts.
   */
  long bytesDone() {
    return writing ? writtenBytes.get() : compared.get();
  }

  /** What {@link #bytesDone()} goes up to in the running phase. */
  long bytesTotal() {
    return phaseTotal;
  }

  Outcome fetch(String instance, BackupMeta meta, TarIndex index, String walUpTo,
      AtomicLong downloaded, Beat beat) throws IOException {
    return fetch(instance, meta, index, walUpTo, downloaded, Map.of(), beat);
  }

  /**
   * @param known the stamps of files known to hold this backup's content when they were taken
   *     ({@link FileStamps}): a file whose stamp has not changed is kept without reading it
   */
  Outcome fetch(String instance, BackupMeta meta, TarIndex index, String walUpTo,
      AtomicLong downloaded, Map<String, FileStamps.Stamp> known, Beat beat) throws IOException {
    BackupObject object = meta.objects().get(0);
    ConfinedDirectory data = ConfinedDirectory.ownedLikeRoot(pgdata);
    long started = System.currentTimeMillis();
    holdPgControl(data);
    Map<String, TarIndex.Member> wanted = wantedByDiskPath(data, index);
    long[] removed = removeWhatTheBackupHasNot(data, wanted);
    List<FileState> files = new ArrayList<>();
    long created = 0;
    for (Map.Entry<String, TarIndex.Member> entry : wanted.entrySet()) {
      Path path = data.resolve(entry.getKey());
      TarIndex.Member member = entry.getValue();
      try {
        switch (member.kind()) {
          case DIRECTORY -> {
            data.directory(path);
            data.own(path, TarExtractor.permissions(member.mode()));
          }
          case SYMLINK -> link(data, path, member);
          case FILE -> {
            long size = data.regularFileSize(path);
            FileState file = new FileState(member, path, size,
                size == member.size() && unchanged(known.get(entry.getKey()), path, member));
            created += file.diskSize < 0 ? 1 : 0;
            files.add(file);
          }
        }
      } catch (UnsafePathException e) {
        throw e.in("the file index's member '" + member.path() + "'");
      }
    }
    int blockSize = index.blockSize();
    phaseTotal = toCompare(files);
    compare(data, files, blockSize, beat);
    long compared = System.currentTimeMillis();

    List<Piece> pieces = pieces(files, blockSize);
    writing = true;
    phaseTotal = pieces.stream().mapToLong(p -> p.tarEnd() - p.tarStart()).sum();
    ChunkDecoder decoder = new ChunkDecoder(store,
        BaseBackupLayout.backupDir(instance, meta.id()) + object.name(),
        Compression.ofFileName(object.name()), object.chunks(), object.size(), object.tarBytes(),
        downloaded);
    List<Integer> chunks = chunksOf(pieces, decoder);
    long bytesWritten = write(data, decoder, chunks, pieces, beat);
    Map<String, Integer> checksums = finishFiles(data, files, blockSize);
    int wal;
    try {
      wal = new BaseBackupFetcher(store, config, pgdata).prefetchWal(instance, meta, walUpTo,
          data, downloaded);
    } catch (UnsafePathException e) {
      throw e.in("prefetching WAL into pg_wal");
    }
    long kept = 0;
    long keptBytes = 0;
    long changed = 0;
    long blocks = 0;
    Set<String> unread = new HashSet<>();
    long unreadBytes = 0;
    for (FileState file : files) {
      if (file.unchanged) {
        unread.add(file.member.path());
        unreadBytes += file.member.size();
      }
      int rewritten = 0;
      for (boolean same : file.same) {
        rewritten += same ? 0 : 1;
      }
      blocks += rewritten;
      if (rewritten == 0 && file.diskSize == file.member.size()) {
        kept++;
        keptBytes += file.member.size();
      } else if (file.diskSize >= 0) {
        changed++;
      }
    }
    return new Outcome(kept, keptBytes, changed, blocks, bytesWritten, created, removed[0],
        removed[1], chunks.size(), decoder.chunkCount(), wal, checksums, compared - started,
        System.currentTimeMillis() - compared, unread, unreadBytes);
  }

  /** Whether a file's stamp is the one it had when it held the backup's member. */
  private static boolean unchanged(FileStamps.Stamp known, Path path, TarIndex.Member member)
      throws IOException {
    return known != null && known.size() == member.size()
        && FileStamps.of(path).map(known::equals).orElse(false);
  }

  /**
   * pg_control is put in place last, as by a full restore: the copy on disk (the old cluster's)
   * is compared under its held name, and a delta that does not finish leaves none in place.
   */
  private static void holdPgControl(ConfinedDirectory data) throws IOException {
    Path control = data.resolve(PgControlLast.PATH);
    if (data.regularFileSize(control) >= 0) {
      data.renameFile(control, data.resolve(PgControlLast.HELD));
    }
  }

  /** The index's members by the path they have on disk (a later duplicate wins, as in tar). */
  private static Map<String, TarIndex.Member> wantedByDiskPath(ConfinedDirectory data,
      TarIndex index) throws IOException {
    Map<String, String> writtenAs = PgControlLast.writtenAs();
    Map<String, TarIndex.Member> wanted = new LinkedHashMap<>();
    for (TarIndex.Member member : index.members()) {
      String disk = writtenAs.getOrDefault(member.path(), member.path());
      try {
        data.resolve(disk);
      } catch (UnsafePathException e) {
        throw e.in("the file index");
      }
      wanted.remove(disk);
      wanted.put(disk, member);
    }
    return wanted;
  }

  /**
   * Removes every entry the backup does not have, or has as another kind (a link is removed as a
   * link). Returns {entries removed, bytes of files removed}.
   */
  private static long[] removeWhatTheBackupHasNot(ConfinedDirectory data,
      Map<String, TarIndex.Member> wanted) throws IOException {
    Path root = data.root();
    List<Path> unwanted = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
        if (dir.equals(root)) {
          return FileVisitResult.CONTINUE;
        }
        TarIndex.Member member = wanted.get(root.relativize(dir).toString());
        if (member != null && member.kind() == TarIndex.Kind.DIRECTORY) {
          return FileVisitResult.CONTINUE;
        }
        unwanted.add(dir);
        return FileVisitResult.SKIP_SUBTREE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
          throws IOException {
        TarIndex.Member member = wanted.get(root.relativize(file).toString());
        boolean keep = member != null && switch (member.kind()) {
          case FILE -> attributes.isRegularFile();
          case SYMLINK -> attributes.isSymbolicLink()
              && Files.readSymbolicLink(file).toString().equals(member.linkTarget());
          case DIRECTORY -> false;
        };
        if (!keep) {
          unwanted.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    long bytes = 0;
    for (Path path : unwanted) {
      bytes += data.remove(path);
    }
    return new long[] {unwanted.size(), bytes};
  }

  private static void link(ConfinedDirectory data, Path path, TarIndex.Member member)
      throws IOException {
    if (member.linkTarget().startsWith("/")) {
      throw new UnsafePathException("links to the absolute path " + member.linkTarget()
          + ", outside " + data.root() + " (tablespaces are not supported)");
    }
    if (!Files.isSymbolicLink(path)) {
      data.symlink(path, member.linkTarget());
    }
  }

  /** The bytes {@link #compare} reads: of each file on disk, what the backup's file has too. */
  private static long toCompare(List<FileState> files) {
    long bytes = 0;
    for (FileState file : files) {
      if (file.unchanged) {
        continue;
      }
      bytes += Math.max(0, Math.min(file.diskSize, file.member.size()));
    }
    return bytes;
  }

  /** Reads every file the disk has, block by block, on several threads; notes the same blocks. */
  private void compare(ConfinedDirectory data, List<FileState> files, int blockSize, Beat beat)
      throws IOException {
    List<Callable<Void>> tasks = new ArrayList<>();
    for (FileState file : files) {
      if (file.diskSize <= 0 || file.unchanged) {
        continue;   // nothing on disk to keep, or known to be the backup's
      }
      int onDisk = (int) Math.min(file.same.length, file.diskSize / blockSize + 1);
      for (int first = 0; first < onDisk; first += SEGMENT_BLOCKS) {
        int from = first;
        int to = Math.min(onDisk, first + SEGMENT_BLOCKS);
        tasks.add(() -> {
          compareBlocks(data, file, from, to, blockSize);
          return null;
        });
      }
    }
    runAll(tasks, beat);
  }

  private void compareBlocks(ConfinedDirectory data, FileState file, int from, int to,
      int blockSize) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(blockSize);
    CRC32C crc = new CRC32C();
    try (FileChannel in = data.openFile(file.path, StandardOpenOption.READ)) {
      for (int block = from; block < to; block++) {
        long start = (long) block * blockSize;
        int length = TarIndex.blockLength(file.member.size(), blockSize, block);
        if (start + length > file.diskSize) {
          return;   // the file on disk is shorter: this block and the rest are written
        }
        buffer.clear().limit(length);
        readFully(in, buffer, start);
        crc.reset();
        crc.update(buffer.array(), 0, length);
        file.crcs[block] = (int) crc.getValue();
        file.same[block] = BlockHash.of(buffer.array(), 0, length) == file.member.blocks()[block];
        compared.addAndGet(length);
      }
    }
  }

  /** Runs of differing blocks, as tar ranges, in the order of the tar stream. */
  private static List<Piece> pieces(List<FileState> files, int blockSize) {
    List<Piece> pieces = new ArrayList<>();
    for (FileState file : files) {
      int block = 0;
      while (block < file.same.length) {
        if (file.same[block]) {
          block++;
          continue;
        }
        int first = block;
        while (block < file.same.length && !file.same[block]) {
          block++;
        }
        long start = file.member.dataOffset() + (long) first * blockSize;
        long end = file.member.dataOffset() + Math.min(file.member.size(),
            (long) block * blockSize);
        pieces.add(new Piece(file, first, block - 1, start, end));
      }
    }
    pieces.sort((a, b) -> Long.compare(a.tarStart(), b.tarStart()));
    return pieces;
  }

  /** The chunks that hold any byte of the pieces, ascending. */
  private static List<Integer> chunksOf(List<Piece> pieces, ChunkDecoder decoder)
      throws CorruptObjectException {
    List<Integer> chunks = new ArrayList<>();
    for (Piece piece : pieces) {
      int first = chunkAt(decoder, piece.tarStart());
      int last = chunkAt(decoder, piece.tarEnd() - 1);
      for (int c = first; c <= last; c++) {
        if (chunks.isEmpty() || chunks.get(chunks.size() - 1) < c) {
          chunks.add(c);
        }
      }
    }
    return chunks;
  }

  /** The chunk whose tar bytes hold offset {@code tarOffset}. */
  private static int chunkAt(ChunkDecoder decoder, long tarOffset) throws CorruptObjectException {
    if (tarOffset < 0 || tarOffset >= decoder.tarStart(decoder.chunkCount())) {
      throw new CorruptObjectException(BackupFileIndex.OBJECT + " points at tar byte " + tarOffset
          + ", outside the tarball: the index is corrupt");
    }
    int low = 0;
    int high = decoder.chunkCount() - 1;
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      if (decoder.tarStart(middle) <= tarOffset) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  /**
   * Downloads the chunks (several at a time, handled in order) and writes the pieces' bytes
   * from them. Returns the bytes written.
   */
  private long write(ConfinedDirectory data, ChunkDecoder decoder, List<Integer> chunks,
      List<Piece> pieces, Beat beat) throws IOException {
    int parallel = Math.max(1, config.parallelDownloads());
    ExecutorService pool = Executors.newFixedThreadPool(parallel, daemon("delta-fetch"));
    Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
    long written = 0;
    int next = 0;
    int piece = 0;
    FileChannel open = null;
    FileState openFile = null;
    try {
      for (int c : chunks) {
        while (inFlight.size() <= parallel && next < chunks.size()) {
          int chunk = chunks.get(next++);
          inFlight.add(pool.submit(() -> decoder.decode(chunk)));
        }
        byte[] bytes = take(inFlight.poll());
        beat.check();
        long chunkStart = decoder.tarStart(c);
        long chunkEnd = decoder.tarStart(c + 1);
        while (piece < pieces.size() && pieces.get(piece).tarStart() < chunkEnd) {
          Piece p = pieces.get(piece);
          long from = Math.max(p.tarStart(), chunkStart);
          long to = Math.min(p.tarEnd(), chunkEnd);
          if (from < to) {
            if (openFile != p.file()) {
              closeQuietly(open);
              open = data.openFile(p.file().path, StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
              openFile = p.file();
            }
            ByteBuffer slice = ByteBuffer.wrap(bytes, (int) (from - chunkStart),
                (int) (to - from));
            long position = from - p.file().member.dataOffset();
            while (slice.hasRemaining()) {
              position += open.write(slice, position);
            }
            written += to - from;
            writtenBytes.addAndGet(to - from);
          }
          if (p.tarEnd() > chunkEnd) {
            break;   // goes on in the next chunk
          }
          piece++;
        }
      }
    } finally {
      closeQuietly(open);
      inFlight.forEach(f -> f.cancel(true));
      pool.shutdownNow();
    }
    if (piece != pieces.size()) {
      throw new IOException("the delta wrote " + piece + " of " + pieces.size()
          + " runs of blocks: the chunks did not cover them");
    }
    return written;
  }

  /**
   * Sizes, modes and owners as the backup has them; the CRC-32C of each file's content as it now
   * is on disk: the blocks that were the same as read, the written ones read back.
   */
  private static Map<String, Integer> finishFiles(ConfinedDirectory data, List<FileState> files,
      int blockSize) throws IOException {
    Map<String, Integer> checksums = new HashMap<>();
    ByteBuffer buffer = ByteBuffer.allocate(blockSize);
    CRC32C crc = new CRC32C();
    for (FileState file : files) {
      if (file.unchanged) {
        continue;   // content, size, mode and owner as they were when it held the backup's
      }
      long size = file.member.size();
      try (FileChannel channel = data.openFile(file.path, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.READ)) {
        if (channel.size() > size) {
          channel.truncate(size);
        }
        if (channel.size() != size) {
          throw new IOException(data.root().relativize(file.path) + " is " + channel.size()
              + " bytes after the delta, the backup has " + size);
        }
        int whole = 0;
        for (int block = 0; block < file.same.length; block++) {
          int length = TarIndex.blockLength(size, blockSize, block);
          if (!file.same[block]) {
            buffer.clear().limit(length);
            readFully(channel, buffer, (long) block * blockSize);
            crc.reset();
            crc.update(buffer.array(), 0, length);
            file.crcs[block] = (int) crc.getValue();
          }
          whole = block == 0 ? file.crcs[0] : Crc32cConcat.concat(whole, file.crcs[block],
              length);
        }
        checksums.put(file.member.path(), whole);
      }
      data.own(file.path, TarExtractor.permissions(file.member.mode()));
    }
    return checksums;
  }

  private static void readFully(FileChannel in, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      int n = in.read(buffer, position);
      if (n < 0) {
        throw new IOException("a file changed size while the delta read it");
      }
      position += n;
    }
  }

  private void runAll(List<Callable<Void>> tasks, Beat beat) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(COMPARE_THREADS, daemon("delta-compare"));
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (Callable<Void> task : tasks) {
        futures.add(pool.submit(task));
      }
      for (Future<Void> future : futures) {
        take(future);
        beat.check();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T take(Future<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static void closeQuietly(FileChannel channel) throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
