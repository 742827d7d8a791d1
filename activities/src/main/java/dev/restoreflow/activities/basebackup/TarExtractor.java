package dev.restoreflow.activities.basebackup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Writes a tar stream into a data directory: files, directories and symlinks that stay inside
 * it, modes from the archive, owned by the instance's OS user. Nothing is written outside the
 * directory: absolute names, {@code ..} and links out are refused. Everything is fsynced before
 * {@link #extract} returns.
 *
 * <p>At each restart point of the tarball it reaches (tar offsets in {@code boundaries}) it has
 * what was written so far fsynced in the background, and reports a {@link Position} to
 * {@code checkpoints} once that is durable.
 */
final class TarExtractor {

  /** A restart point reached: chunk index, and the file it falls in (null at a header). */
  record Position(int chunk, TarReader.Entry entry, long entryDataStart) {}

  interface Checkpoints {
    void reached(Position position) throws IOException;
  }

  private final Path root;
  private final UserPrincipal owner;
  private final GroupPrincipal group;
  private final Set<Path> directories = new LinkedHashSet<>();
  /** Files and directories written since the last restart point, not yet synced. */
  private final Set<Path> unsynced = new LinkedHashSet<>();
  private final byte[] buffer = new byte[1 << 20];
  /** CRC-32C of each file written whole, by path relative to the root (for the manifest). */
  private final Map<String, Integer> checksums = new HashMap<>();
  private final CRC32C crc = new CRC32C();
  private long filesWritten;
  private long bytesWritten;

  TarExtractor(Path root, UserPrincipal owner, GroupPrincipal group) {
    this.root = root.toAbsolutePath().normalize();
    this.owner = owner;
    this.group = group;
  }

  /**
   * @param resumeEntry the file the stream starts inside (null: it starts at a header)
   * @param resumeDataStart tar offset of that file's data
   * @param boundaries tar offsets of the restart points ahead, with their chunk indexes
   */
  void extract(TarReader tar, TarReader.Entry resumeEntry, long resumeDataStart,
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
      Path target = resolve(entry.name());
      if (entry.isDirectory()) {
        if (!target.equals(root)) {
          Files.createDirectories(target);
          own(target, entry.mode());
        }
        directories.add(target);
      } else if (entry.isSymlink()) {
        symlink(target, entry);
      } else if (entry.isFile()) {
        next = writeFile(tar, entry, target, dataStart, boundaries, next, checkpoints);
      } else {
        throw new IOException("tar member '" + entry.name() + "' is a hard link; not supported");
      }
      long headerStart = tar.position() + padding(entry.size());
      next = headerBoundary(boundaries, next, headerStart, checkpoints);
      entry = tar.next();
      dataStart = tar.position();
    }
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

  long filesWritten() {
    return filesWritten;
  }

  long bytesWritten() {
    return bytesWritten;
  }

  Map<String, Integer> checksums() {
    return checksums;
  }

  private int writeFile(TarReader tar, TarReader.Entry entry, Path target, long dataStart,
      List<long[]> boundaries, int next, Checkpoints checkpoints) throws IOException {
    Files.createDirectories(target.getParent());
    long done = tar.position() - dataStart;   // > 0 when resuming inside this file
    crc.reset();
    try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE,
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
    own(target, entry.mode());
    if (done == 0) {
      checksums.put(root.relativize(target).toString(), (int) crc.getValue());
    }
    filesWritten++;
    return next;
  }

  private void markUnsynced(Path file) {
    unsynced.add(file);
    unsynced.add(file.getParent());
  }

  private void symlink(Path target, TarReader.Entry entry) throws IOException {
    Path link = target.getParent().resolve(entry.linkTarget()).normalize();
    if (Path.of(entry.linkTarget()).isAbsolute() || !link.startsWith(root)) {
      throw new IOException("tar member '" + entry.name() + "' links to " + entry.linkTarget()
          + ", outside " + root + " (tablespaces are not supported)");
    }
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    Files.createSymbolicLink(target, Path.of(entry.linkTarget()));
    unsynced.add(target.getParent());
    if (owner != null) {
      Files.getFileAttributeView(target, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setOwner(owner);
    }
  }

  private Path resolve(String name) throws IOException {
    String clean = name.replaceFirst("^(\\./)+", "").replaceFirst("/+$", "");
    if (clean.isEmpty() || clean.equals(".")) {
      return root;
    }
    if (clean.startsWith("/") || List.of(clean.split("/")).contains("..")) {
      throw new IOException("tar member '" + name + "' would land outside " + root);
    }
    Path target = root.resolve(clean).normalize();
    if (!target.startsWith(root)) {
      throw new IOException("tar member '" + name + "' would land outside " + root);
    }
    return target;
  }

  private void own(Path path, int mode) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
    view.setPermissions(permissions(mode));
    if (owner != null) {
      view.setOwner(owner);
      view.setGroup(group);
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
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
