package dev.restoreflow.activities.mysqltables;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The archive directory: archives of the seed's form, oldest first (the names sort by time), and
 * the hidden {@code .partial-*} files an attempt builds in. Only regular files count (a link is
 * not followed); every name is checked before it becomes a path.
 */
final class ArchiveDirectory {

  private static final Duration SEVEN_ZIP_LIMIT = Duration.ofHours(6);
  private final Path dir;
  private final MysqlTablesConfig config;

  ArchiveDirectory(MysqlTablesConfig config) {
    this.config = config;
    this.dir = Path.of(config.archiveDir());
  }

  Path dir() {
    return dir;
  }

  /** The archives of the seed's form, oldest first. */
  List<String> archives() throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("archive directory " + dir + " does not exist");
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (ArchiveNames.isArchiveName(name)
            && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          names.add(name);
        }
      }
    }
    names.sort(Comparator.naturalOrder());
    return names;
  }

  /** @throws IllegalArgumentException for a name not of the seed's form */
  Path archive(String name) {
    return dir.resolve(ArchiveNames.check(name));
  }

  boolean exists(String name) {
    return Files.exists(archive(name), LinkOption.NOFOLLOW_LINKS);
  }

  BasicFileAttributes attributes(String name) throws IOException {
    return Files.readAttributes(archive(name), BasicFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS);
  }

  /** Removes what earlier attempts left: every {@code .partial-*} file and directory. */
  List<String> clearPartials() throws IOException {
    List<String> cleared = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
        ArchiveNames.PARTIAL_PREFIX + "*")) {
      for (Path entry : entries) {
        deleteTree(entry);
        cleared.add(entry.getFileName().toString());
      }
    }
    return cleared;
  }

  /** The archive's file listing; empty when 7zz cannot list it (damaged, not a 7z archive). */
  Optional<List<SevenZip.Entry>> listing(String name) throws IOException, InterruptedException {
    Tools.Ran listed = Tools.run(SevenZip.list(config.sevenZip(), archive(name).toString()), null,
        Duration.ofMinutes(5));
    return listed.succeeded() ? Optional.of(SevenZip.entries(listed.out())) : Optional.empty();
  }

  /** {@code 7zz t}: null when every file of the archive reads back with its CRC, else why not. */
  String test(Path archive) throws IOException, InterruptedException {
    Tools.Ran tested = Tools.run(SevenZip.test(config.sevenZip(), archive.toString()), null,
        SEVEN_ZIP_LIMIT);
    return tested.succeeded() ? null : "7zz t exit " + tested.exitCode() + ": " + tested.said();
  }

  /** The archive's manifest.json. */
  Manifest manifest(String name) throws IOException, InterruptedException {
    Tools.Ran printed = Tools.run(SevenZip.print(config.sevenZip(), archive(name).toString(),
        Manifest.FILE), null, Duration.ofMinutes(10));
    if (!printed.succeeded() || printed.stdout().length == 0) {
      throw new IOException("cannot read " + Manifest.FILE + " of " + name + " (7zz exit "
          + printed.exitCode() + ": " + printed.said() + ")");
    }
    return Manifest.parse(printed.stdout());
  }

  /** Extracts {@code files} of the archive into {@code into}. */
  void extract(String name, Path into, List<String> files)
      throws IOException, InterruptedException {
    Tools.Ran extracted = Tools.run(SevenZip.extract(config.sevenZip(), archive(name).toString(),
        into.toString(), files), null, SEVEN_ZIP_LIMIT);
    if (!extracted.succeeded()) {
      throw new DamagedArchiveException("7zz cannot extract " + String.join(", ", files)
          + " from " + name + " (exit " + extracted.exitCode() + ": " + extracted.said() + ")");
    }
  }

  /** Builds {@code archive} from the files in {@code from} (names relative to it). */
  void build(Path archive, Path from, List<String> files)
      throws IOException, InterruptedException {
    Tools.Ran added = Tools.run(SevenZip.add(config.sevenZip(), config.compressLevel(),
        archive.toString(), files), from.toFile(), SEVEN_ZIP_LIMIT);
    if (!added.succeeded()) {
      throw new IOException("7zz a exit " + added.exitCode() + ": " + added.said());
    }
  }

  /**
   * Puts the checked archive under its promised name, atomically and never over another file:
   * a hard link (which fails when the name exists), then the partial name goes.
   */
  void promise(Path partialArchive, String name) throws IOException {
    // the tables' data: for the worker's user and its group, not for every local user
    Files.setPosixFilePermissions(partialArchive,
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    try (FileChannel channel = FileChannel.open(partialArchive, StandardOpenOption.READ)) {
      channel.force(true);
    }
    Files.createLink(archive(name), partialArchive);
    Files.delete(partialArchive);
    syncDirectory();
  }

  void delete(String name) throws IOException {
    Files.deleteIfExists(archive(name));
    syncDirectory();
  }

  private void syncDirectory() {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException ignored) {
      // not every file system syncs a directory; the rename itself is atomic
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(root);
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** An archive 7zz cannot read back. */
  static final class DamagedArchiveException extends IOException {
    DamagedArchiveException(String message) {
      super(message);
    }
  }
}
