package dev.restoreflow.activities.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Writes a tar stream into a data directory: files, directories and symlinks, modes from the
 * archive, owned by the instance's OS user. Nothing is written outside the directory nor through
 * a link (every write goes through {@link ConfinedDirectory}): a member whose name is absolute or
 * has {@code ..}, a member below a link, a link out of the directory or over what is already
 * written, and a hard link are refused with {@link UnsafePathException} naming the member.
 * Everything is fsynced before {@link #extract} returns.
 *
 * <p>Members named in {@code writtenAs} are written under another name (FetchS3 writes
 * {@code global/pg_control} last, so it extracts it as a partial file first); their checksums
 * stay under the member's own name.
 *
 * <p>At each restart point of the tarball it reaches (tar offsets in {@code boundaries}) it has
 * what was written so far fsynced in the background, and reports a {@link Position} to
 * {@code checkpoints} once that is durable.
 */
public final class TarExtractor {

  /** A restart point reached: chunk index, and the file it falls in (null at a header). */
  public record Position(int chunk, TarReader.Entry entry, long entryDataStart) {}

  public interface Checkpoints {
    void reached(Position position) throws IOException;
  }

  private final ConfinedDirectory data;
  private final Path root;
  private final Map<String, String> writtenAs;
  private final Set<Path> directories = new LinkedHashSet<>();
  /** Files and directories written since the last restart point, not yet synced. */
  private final Set<Path> unsynced = new LinkedHashSet<>();
  private final byte[] buffer = new byte[1 << 20];
  /** CRC-32C of each file written whole, by path relative to the root (for the manifest). */
  private final Map<String, Integer> checksums = new HashMap<>();
  private final CRC32C crc = new CRC32C();
  private long filesWritten;
  private long bytesWritten;

  public TarExtractor(ConfinedDirectory data) {
    this(data, Map.of());
  }

  /** @param writtenAs member paths (relative, clean) written under another relative path */
  public TarExtractor(ConfinedDirectory data, Map<String, String> writtenAs) {
    this.data = data;
    this.root = data.root();
    this.writtenAs = Map.copyOf(writtenAs);
  }

  /**
   * @param resumeEntry the file the stream starts inside (null: it starts at a header)
   * @param resumeDataStart tar offset of that file's data
   * @param boundaries tar offsets of the restart points ahead, with their chunk indexes
   */
  public void extract(TarReader tar, TarReader.Entry resumeEntry, long resumeDataStart,
      List<long[]> boundaries, Checkpoints checkpoints) throws IOException {
    try (BackgroundSync sync = new BackgroundSync()) {
      write(tar, resumeEntry, resumeDataStart, boundaries, position -> {
        List<Path> paths = List.copyOf(unsynced);
        unsynced.clear();
        sync.sync(paths, () -> checkpoints.reached(position));
      });
      sync.await();
      for (Path path : unsynced) {
        BackgroundSync.force(path);
      }
      unsynced.clear();
      for (Path dir : directories) {
        BackgroundSync.force(dir);
      }
    }
  }

  private void write(TarReader tar, TarReader.Entry resumeEntry, long resumeDataStart,
      List<long[]> boundaries, Checkpoints checkpoints) throws IOException {
    int next = 0;
    TarReader.Entry entry = resumeEntry;
    long dataStart = resumeDataStart;
    if (entry == null) {
      next = headerBoundary(boundaries, next, tar.position(), checkpoints);
      entry = tar.next();
      dataStart = tar.position();
    }
    while (entry != null) {
      // restart points inside a header cannot be used; those at a file's first byte can
      next = skipPassed(boundaries, next, dataStart);
      try {
        next = member(tar, entry, dataStart, boundaries, next, checkpoints);
      } catch (UnsafePathException e) {
        throw e.in("tar member '" + entry.name() + "'");
      }
      long headerStart = tar.position() + padding(entry.size());
      next = headerBoundary(boundaries, next, headerStart, checkpoints);
      entry = tar.next();
      dataStart = tar.position();
    }
  }

  /** Writes one member; returns the index of the next restart point. */
  private int member(TarReader tar, TarReader.Entry entry, long dataStart,
      List<long[]> boundaries, int next, Checkpoints checkpoints) throws IOException {
    String clean = clean(entry.name());
    String relative = clean.isEmpty() ? "" : root.relativize(data.resolve(clean)).toString();
    Path target = relative.isEmpty() ? root
        : data.resolve(writtenAs.getOrDefault(relative, relative));
    if (entry.isDirectory()) {
      if (!target.equals(root)) {
        data.directory(target);
        data.own(target, permissions(entry.mode()));
      }
      directories.add(target);
    } else if (entry.isSymlink()) {
      symlink(target, entry);
    } else if (entry.isFile()) {
      return writeFile(tar, entry, relative, target, dataStart, boundaries, next, checkpoints);
    } else {
      throw new UnsafePathException("is a hard link, which pg_basebackup never writes");
    }
    return next;
  }

  /** A restart point exactly at the next header: everything before it is written and synced. */
  private static int headerBoundary(List<long[]> boundaries, int next, long headerStart,
      Checkpoints checkpoints) throws IOException {
    next = skipPassed(boundaries, next, headerStart);
    if (next < boundaries.size() && boundaries.get(next)[0] == headerStart) {
      checkpoints.reached(new Position((int) boundaries.get(next)[1], null, 0));
      next++;
    }
    return next;
  }

  public long filesWritten() {
    return filesWritten;
  }

  public long bytesWritten() {
    return bytesWritten;
  }

  public Map<String, Integer> checksums() {
    return checksums;
  }

  private int writeFile(TarReader tar, TarReader.Entry entry, String relative, Path target,
      long dataStart,
      List<long[]> boundaries, int next, Checkpoints checkpoints) throws IOException {
    long done = tar.position() - dataStart;   // > 0 when resuming inside this file
    crc.reset();
    try (FileChannel out = data.openFile(target, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      out.truncate(done);
      out.position(done);
      InputStream content = tar.content();
      long remaining = entry.size() - done;
      while (remaining > 0) {
        long position = tar.position();
        int limit = (int) Math.min(buffer.length, remaining);
        if (next < boundaries.size()) {
          long boundary = boundaries.get(next)[0];
          if (boundary == position) {
            markUnsynced(target);
            checkpoints.reached(new Position((int) boundaries.get(next)[1], entry, dataStart));
            next++;
            continue;
          }
          if (boundary > position && boundary < position + limit) {
            limit = (int) (boundary - position);
          }
        }
        int n = content.read(buffer, 0, limit);
        if (n < 0) {
          throw new IOException("the archive ends inside " + entry.name());
        }
        out.write(ByteBuffer.wrap(buffer, 0, n));
        crc.update(buffer, 0, n);
        remaining -= n;
        bytesWritten += n;
      }
    }
    markUnsynced(target);
    data.own(target, permissions(entry.mode()));
    if (done == 0) {
      checksums.put(relative, (int) crc.getValue());
    }
    filesWritten++;
    return next;
  }

  private void markUnsynced(Path file) {
    unsynced.add(file);
    unsynced.add(file.getParent());
  }

  private void symlink(Path target, TarReader.Entry entry) throws IOException {
    if (target.equals(root)) {
      throw new UnsafePathException("would make the data directory itself a symbolic link");
    }
    if (entry.linkTarget().startsWith("/")) {
      throw new UnsafePathException("links to the absolute path " + entry.linkTarget()
          + ", outside " + root + " (tablespaces are not supported)");
    }
    data.symlink(target, entry.linkTarget());
    unsynced.add(target.getParent());
  }

  /** The member's path relative to the root ("" for the root itself: "." and "./"). */
  static String clean(String name) {
    String clean = name.replaceFirst("^(\\./)+", "").replaceFirst("/+$", "");
    return clean.equals(".") ? "" : clean;
  }

  /** A tar mode's permission bits. */
  public static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < 9; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(order[bit]);
      }
    }
    return set;
  }

  private static int skipPassed(List<long[]> boundaries, int next, long position) {
    while (next < boundaries.size() && boundaries.get(next)[0] < position) {
      next++;
    }
    return next;
  }

  private static long padding(long size) {
    return (512 - size % 512) % 512;
  }
}
