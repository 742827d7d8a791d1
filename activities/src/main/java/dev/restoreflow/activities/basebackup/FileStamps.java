package dev.restoreflow.activities.basebackup;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which files of a data directory still hold a backup's content, known without reading them: a
 * file's device, inode, size and inode change time (ctime) taken when its content was the
 * backup's — after a restore that checked it against the backup's manifest, or around the
 * backup that read it (the same before and after: nothing wrote it meanwhile). Any write,
 * truncation, chmod, chown, rename or link changes the ctime, and no program can set it back, so
 * a file whose stamp is unchanged still holds that content: a delta restore of the same backup
 * keeps it without reading it.
 *
 * <p>The stamps live beside the data directory ({@code .<name>.restoreflow-stamps/<backup>.json},
 * as the old contents moved aside do), never inside it (a backup would carry them along); only a
 * directory and files the worker owns are believed. The newest {@link #KEPT} backups' stamps are
 * kept.
 */
final class FileStamps {

  /** What a file's content is known by. */
  record Stamp(long device, long inode, long size, long ctimeNanos) {}

  /** What a stamps file holds. */
  record Saved(String backupId, Map<String, long[]> files) {}

  static final int KEPT = 3;

  /**
   * The kernel stamps a change with a clock that moves in ticks (a few ms; whole seconds on a
   * file system without sub-second times, such as ext4 with 128-byte inodes): see
   * {@link #letTheClockTurn}.
   */
  private static final long TICK_MILLIS = 20;
  private static final long SECOND_NANOS = 1_000_000_000L;
  private static final Logger log = LoggerFactory.getLogger(FileStamps.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ATTRIBUTES = "unix:dev,ino,size,ctime";

  private final Path pgdata;
  private final Path dir;

  FileStamps(Path pgdata) {
    this.pgdata = pgdata.toAbsolutePath().normalize();
    this.dir = this.pgdata.resolveSibling("." + this.pgdata.getFileName()
        + ".restoreflow-stamps");
  }

  Path directory() {
    return dir;
  }

  /** The stamp of every regular file the manifest check covers, by its path in the backup. */
  static Map<String, Stamp> take(Path pgdata) throws IOException {
    Map<String, Stamp> stamps = new HashMap<>();
    Files.walkFileTree(pgdata, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
        return dir.equals(pgdata) || ManifestCheck.covers(pgdata.relativize(dir).toString())
            ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
          throws IOException {
        String relative = pgdata.relativize(file).toString();
        if (attributes.isRegularFile() && ManifestCheck.covers(relative)) {
          of(file).ifPresent(stamp -> stamps.put(relative, stamp));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;   // gone while walking: not stamped
        }
        throw e;
      }
    });
    return stamps;
  }

  /** A regular file's stamp; empty when it is missing or not a regular file. */
  static Optional<Stamp> of(Path file) throws IOException {
    Map<String, Object> a;
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      a = Files.readAttributes(file, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return Optional.of(new Stamp(((Number) a.get("dev")).longValue(),
        ((Number) a.get("ino")).longValue(), ((Number) a.get("size")).longValue(),
        ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS)));
  }

  /**
   * The stamps of a data directory before a backup reads it (the clock's tick waited out); empty
   * when the worker cannot read them — a delta restore of that backup then reads every file.
   */
  static Map<String, Stamp> beforeBackup(Path pgdata) {
    try {
      Map<String, Stamp> stamps = take(pgdata);
      letTheClockTurn(stamps);
      return stamps;
    } catch (IOException | RuntimeException e) {
      log.info("no file stamps for the backup of {}: {}", pgdata, e.getMessage());
      return Map.of();
    }
  }

  /**
   * After backup {@code backupId} has read the directory: the files nothing wrote meanwhile held
   * just what the backup has — their stamps are kept.
   */
  void afterBackup(String backupId, Map<String, Stamp> before) {
    if (before.isEmpty()) {
      return;
    }
    try {
      save(backupId, unchanged(before, take(pgdata)));
    } catch (IOException | RuntimeException e) {
      log.info("no file stamps kept for backup {}: {}", backupId, e.getMessage());
    }
  }

  /** The stamps of the files that are the same before and after (a backup read them between). */
  static Map<String, Stamp> unchanged(Map<String, Stamp> before, Map<String, Stamp> after) {
    Map<String, Stamp> same = new HashMap<>();
    after.forEach((path, stamp) -> {
      if (stamp.equals(before.get(path))) {
        same.put(path, stamp);
      }
    });
    return same;
  }

  /**
   * Waits until a change made from now on cannot have the ctime of any of these stamps: past the
   * newest one's tick — or, when none of them has a fraction of a second (a file system with
   * whole-second times), past its second. Stamps are only believed if nothing could write the
   * files between their taking and this wait's end: a stopped cluster's directory in the step
   * that restored it, or before pg_basebackup starts reading.
   */
  static void letTheClockTurn(Map<String, Stamp> stamps) {
    long millis = waitMillis(stamps.values(), System.currentTimeMillis());
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How long {@link #letTheClockTurn} waits, at {@code nowMillis}. */
  static long waitMillis(java.util.Collection<Stamp> stamps, long nowMillis) {
    long newest = stamps.stream().mapToLong(Stamp::ctimeNanos).max().orElse(0);
    boolean subSecond = stamps.stream().anyMatch(s -> s.ctimeNanos() % SECOND_NANOS != 0);
    long until = subSecond ? newest / 1_000_000 + TICK_MILLIS
        : (newest / SECOND_NANOS + 1) * 1000 + TICK_MILLIS;
    return Math.max(TICK_MILLIS, until - nowMillis);
  }

  /**
   * Keeps the stamps of files that now hold backup {@code backupId}'s content. Never fails the
   * job: without stamps the next delta reads every file, as it would have anyway.
   */
  void save(String backupId, Map<String, Stamp> stamps) {
    String name = BaseBackupLayout.checkId(backupId) + ".json";
    try {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      }
      if (!ours(dir)) {
        log.warn("not keeping file stamps in {}: it is not the worker's", dir);
        return;
      }
      Map<String, long[]> files = new HashMap<>();
      stamps.forEach((path, s) -> files.put(path,
          new long[] {s.device(), s.inode(), s.size(), s.ctimeNanos()}));
      Path partial = dir.resolve(name + ".partial");
      Files.deleteIfExists(partial);
      Files.write(partial, JSON.writeValueAsBytes(new Saved(backupId, files)));
      Files.move(partial, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      prune();
    } catch (IOException | RuntimeException e) {
      log.warn("could not keep the file stamps of backup {} in {}: {}", backupId, dir,
          e.getMessage());
    }
  }

  /** The stamps kept for backup {@code backupId}; empty when none (or not to be believed). */
  Map<String, Stamp> load(String backupId) {
    Path file = dir.resolve(BaseBackupLayout.checkId(backupId) + ".json");
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return Map.of();
      }
      if (!ours(dir) || !ours(file)) {
        log.warn("ignoring the file stamps in {}: not the worker's", dir);
        return Map.of();
      }
      Saved saved = JSON.readValue(file.toFile(), Saved.class);
      if (!backupId.equals(saved.backupId()) || saved.files() == null) {
        return Map.of();
      }
      Map<String, Stamp> stamps = new HashMap<>();
      saved.files().forEach((path, s) -> {
        if (s != null && s.length == 4) {
          stamps.put(path, new Stamp(s[0], s[1], s[2], s[3]));
        }
      });
      return stamps;
    } catch (IOException | RuntimeException e) {
      log.warn("ignoring the file stamps {}: {}", file, e.getMessage());
      return Map.of();
    }
  }

  private void prune() throws IOException {
    List<Path> kept;
    try (Stream<Path> files = Files.list(dir)) {
      kept = files.filter(f -> f.getFileName().toString().endsWith(".json"))
          .sorted(Comparator.comparing(FileStamps::modified).reversed()).toList();
    }
    for (Path old : kept.subList(Math.min(KEPT, kept.size()), kept.size())) {
      Files.deleteIfExists(old);
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static boolean ours(Path path) throws IOException {
    Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    return !Files.isSymbolicLink(path) && uid instanceof Integer owner && owner == currentUid();
  }

  private static int currentUid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }
}
