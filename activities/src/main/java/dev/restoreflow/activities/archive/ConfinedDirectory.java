package dev.restoreflow.activities.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The data directory a restore writes into (as root), and nothing outside it: no write ever
 * follows a symbolic link below the root. Each path is walked from the root without following
 * links — a component that is a link, or that is not a directory, is refused — missing
 * directories are made one at a time, files are opened with {@code O_NOFOLLOW}, and owners and
 * modes are set on the entry itself. The root is the configured data directory and trusted.
 *
 * <p>Checking and then writing leaves a window to a process that swaps a directory for a link in
 * between; only root and the directory's owner can do that. What this guards against is the
 * content of a backup (tar members, WAL names from a bucket listing).
 */
public final class ConfinedDirectory {

  private static final Set<PosixFilePermission> NEW_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> NEW_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final String PARTIAL = ".restoreflow-partial";

  private final Path root;
  private final UserPrincipal owner;
  private final GroupPrincipal group;
  /** Directories already walked and found real; nothing here ever replaces a directory. */
  private final Set<Path> checked = new HashSet<>();

  /** @param owner, group of everything written; null: whoever writes (tests, a non-root worker) */
  public ConfinedDirectory(Path root, UserPrincipal owner, GroupPrincipal group) {
    this.root = root.toAbsolutePath().normalize();
    this.owner = owner;
    this.group = group;
    checked.add(this.root);
  }

  /** The data directory, whatever is written in it owned by the directory's owner and group. */
  public static ConfinedDirectory ownedLikeRoot(Path root) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(root, PosixFileAttributes.class);
    return new ConfinedDirectory(root, attributes.owner(), attributes.group());
  }

  public Path root() {
    return root;
  }

  /**
   * {@code relative} below the root: slash-separated names, none empty, {@code .} or
   * {@code ..}. Checked as text only; the methods that write check the disk.
   */
  public Path resolve(String relative) throws UnsafePathException {
    if (relative.isEmpty() || relative.startsWith("/")) {
      throw new UnsafePathException("'" + relative + "' is not a relative path below " + root);
    }
    for (String part : relative.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new UnsafePathException("'" + relative + "' is not a plain path below " + root
            + " (it has a '" + part + "' part)");
      }
    }
    return root.resolve(relative);
  }

  /**
   * Makes sure {@code dir} is a directory reached from the root through directories only:
   * missing ones are created (mode 0700, owned like the data) one at a time.
   */
  public Path directory(Path dir) throws IOException {
    if (checked.contains(dir)) {
      return dir;
    }
    Path at = root;
    for (Path name : below(dir)) {
      at = at.resolve(name);
      if (checked.contains(at)) {
        continue;
      }
      BasicFileAttributes attributes = attributesOrNull(at);
      if (attributes == null) {
        try {
          Files.createDirectory(at, PosixFilePermissions.asFileAttribute(NEW_DIRECTORY));
          own(at);
        } catch (FileAlreadyExistsException raced) {
          attributes = attributesOrNull(at);
        }
      }
      if (attributes != null && !attributes.isDirectory()) {
        throw new UnsafePathException(notADirectory(at, attributes));
      }
      checked.add(at);
    }
    return dir;
  }

  /** Opens a regular file below the root, never through a link, creating it with mode 0600. */
  public FileChannel openFile(Path file, OpenOption... options) throws IOException {
    directory(file.getParent());
    BasicFileAttributes attributes = attributesOrNull(file);
    if (attributes != null && !attributes.isRegularFile()) {
      throw new UnsafePathException(notAFile(file, attributes));
    }
    Set<OpenOption> all = new HashSet<>(List.of(options));
    all.add(LinkOption.NOFOLLOW_LINKS);
    return FileChannel.open(file, all, PosixFilePermissions.asFileAttribute(NEW_FILE));
  }

  /** The size of the regular file {@code file}, or -1 when there is none (a link is none). */
  public long regularFileSize(Path file) throws IOException {
    BasicFileAttributes attributes = attributesOrNull(file);
    return attributes != null && attributes.isRegularFile() ? attributes.size() : -1;
  }

  /** The text of {@code file}, "" when it is not there; refused when it is not a regular file. */
  public String readIfPresent(Path file) throws IOException {
    if (attributesOrNull(file) == null) {
      return "";
    }
    try (FileChannel in = openFile(file, StandardOpenOption.READ)) {
      return new String(Channels.newInputStream(in).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Writes {@code text} as {@code file}: see {@link #replaceFile}. */
  public void writeString(Path file, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    replaceFile(file, new ByteArrayInputStream(bytes), bytes.length);
  }

  /**
   * Writes {@code content} into a partial file beside {@code file}, fsyncs it, owns it like the
   * data and renames it over {@code file}: {@code file} is whole or as it was. A link or a
   * directory at {@code file} is refused.
   *
   * @throws IOException when {@code content} does not have exactly {@code size} bytes
   */
  public long replaceFile(Path file, InputStream content, long size) throws IOException {
    directory(file.getParent());
    BasicFileAttributes existing = attributesOrNull(file);
    if (existing != null && !existing.isRegularFile()) {
      throw new UnsafePathException(notAFile(file, existing));
    }
    Path partial = file.resolveSibling(file.getFileName() + PARTIAL);
    long written;
    try (FileChannel out = openFile(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      written = content.transferTo(Channels.newOutputStream(out));
      if (written != size) {
        throw new IOException(name(file) + ": got " + written + " of " + size + " bytes");
      }
      out.force(true);
    }
    own(partial);
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return written;
  }

  /**
   * Renames the regular file {@code from} over {@code to}, atomically, and makes the rename
   * durable (the directory is fsynced). Returns false when there is no {@code from} and
   * {@code to} is already a regular file: a retry after the rename.
   *
   * @throws IOException when neither is there, or either is not a regular file
   */
  public boolean renameFile(Path from, Path to) throws IOException {
    directory(to.getParent());
    BasicFileAttributes source = attributesOrNull(from);
    BasicFileAttributes target = attributesOrNull(to);
    if (target != null && !target.isRegularFile()) {
      throw new UnsafePathException(notAFile(to, target));
    }
    if (source == null) {
      if (target != null) {
        return false;
      }
      throw new NoSuchFileException(name(from) + " and " + name(to) + " are both missing");
    }
    if (!source.isRegularFile()) {
      throw new UnsafePathException(notAFile(from, source));
    }
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(to.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
    return true;
  }

  /**
   * Creates the symbolic link {@code link} to {@code target}: a relative path, optional leading
   * {@code ..} then names, that ends below the root without passing through a link already
   * there. An earlier link at {@code link} (a retry) is replaced; anything else there is not.
   */
  public void symlink(Path link, String target) throws IOException {
    List<String> parts = List.of(target.split("/", -1));
    int ups = 0;
    while (ups < parts.size() && parts.get(ups).equals("..")) {
      ups++;
    }
    for (String part : parts.subList(ups, parts.size())) {
      if (target.startsWith("/") || part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new UnsafePathException("links to '" + target + "', which is not a plain relative"
            + " path");
      }
    }
    Path resolved = link.getParent().resolve(target).normalize();
    if (ups == parts.size() || !resolved.startsWith(root) || resolved.equals(root)) {
      throw new UnsafePathException("links to '" + target + "', which is not below " + root);
    }
    directory(link.getParent());
    Path at = root;
    for (Path name : below(resolved)) {
      at = at.resolve(name);
      BasicFileAttributes attributes = attributesOrNull(at);
      if (attributes == null) {
        break;
      }
      if (attributes.isSymbolicLink()) {
        throw new UnsafePathException("links to '" + target + "', through the symbolic link "
            + name(at) + " (to " + Files.readSymbolicLink(at) + ")");
      }
    }
    BasicFileAttributes existing = attributesOrNull(link);
    if (existing != null && !existing.isSymbolicLink()) {
      throw new UnsafePathException("would replace the " + (existing.isDirectory() ? "directory "
          : "file ") + name(link) + " already written with a symbolic link");
    }
    if (existing != null) {
      Files.delete(link);
    }
    Files.createSymbolicLink(link, Path.of(target));
    own(link);
  }

  /**
   * Removes the entry {@code path} below the root: a file, a link (never what it points to) or a
   * directory with everything in it (links inside are removed as links, never followed).
   *
   * @return the bytes of the regular files removed
   */
  public long remove(Path path) throws IOException {
    Path relative = below(path);
    if (relative.toString().isEmpty()) {
      throw new UnsafePathException("refusing to remove the data directory " + root + " itself");
    }
    directory(path.getParent());
    BasicFileAttributes attributes = attributesOrNull(path);
    if (attributes == null) {
      return 0;
    }
    if (!attributes.isDirectory()) {
      Files.delete(path);
      return attributes.isRegularFile() ? attributes.size() : 0;
    }
    long[] bytes = {0};
    Files.walkFileTree(path, new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes found)
          throws IOException {
        bytes[0] += found.isRegularFile() ? found.size() : 0;
        Files.delete(file);
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult postVisitDirectory(Path dir, IOException failed)
          throws IOException {
        if (failed != null) {
          throw failed;
        }
        Files.delete(dir);
        return java.nio.file.FileVisitResult.CONTINUE;
      }
    });
    checked.removeIf(known -> known.startsWith(path));
    return bytes[0];
  }

  /** Sets the owner and group of {@code path} itself (a link, not what it points to). */
  public void own(Path path) throws IOException {
    if (owner != null) {
      PosixFileAttributeView view = view(path);
      view.setOwner(owner);
      view.setGroup(group);
    }
  }

  /** Sets the mode, owner and group of a file or directory (never of a link's target). */
  public void own(Path path, Set<PosixFilePermission> mode) throws IOException {
    view(path).setPermissions(mode);
    own(path);
  }

  private static PosixFileAttributeView view(Path path) {
    return Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
  }

  /** The names from the root down to {@code path}, which must be the root or below it. */
  private Path below(Path path) throws UnsafePathException {
    Path normal = path.toAbsolutePath().normalize();
    if (!normal.equals(path) || !normal.startsWith(root)) {
      throw new UnsafePathException(path + " is not a plain path below " + root);
    }
    return root.relativize(normal);
  }

  private String notADirectory(Path at, BasicFileAttributes attributes) throws IOException {
    return attributes.isSymbolicLink()
        ? name(at) + " is a symbolic link (to " + Files.readSymbolicLink(at) + "), not a directory"
        : name(at) + " is not a directory";
  }

  private String notAFile(Path file, BasicFileAttributes attributes) throws IOException {
    return attributes.isSymbolicLink()
        ? name(file) + " is a symbolic link (to " + Files.readSymbolicLink(file) + ")"
        : name(file) + " is already there and is not a regular file";
  }

  /** How messages name a path: relative to the root, and the root. */
  private String name(Path path) {
    return "'" + root.relativize(path) + "' in " + root;
  }

  private static BasicFileAttributes attributesOrNull(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
