package dev.restoreflow.activities.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/** A repository in a local (or mounted) directory: {@code file:///dir}. */
public final class FileObjectStore implements ObjectStore {

  private static final String PARTIAL = ".partial-";

  private final Path root;

  public FileObjectStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public List<StoredObject> list(String prefix) throws IOException {
    ObjectKeys.checkPrefix(prefix);
    List<StoredObject> objects = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return objects;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String key = root.relativize(file).toString();
        if (key.startsWith(prefix) && !key.contains(PARTIAL)) {
          objects.add(new StoredObject(key, Files.size(file)));
        }
      }
    }
    objects.sort((a, b) -> a.key().compareTo(b.key()));
    return objects;
  }

  @Override
  public Optional<StoredObject> stat(String key) throws IOException {
    Path file = resolve(key);
    return Files.isRegularFile(file) ? Optional.of(new StoredObject(key, Files.size(file)))
        : Optional.empty();
  }

  @Override
  public InputStream read(String key, long from, long to) throws IOException {
    FileChannel channel = FileChannel.open(resolve(key), StandardOpenOption.READ);
    channel.position(from);
    InputStream whole = Channels.newInputStream(channel);
    return new BoundedInputStream(whole, to - from);
  }

  @Override
  public long write(String key, InputStream data) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    Path partial = target.resolveSibling(target.getFileName() + PARTIAL + UUID.randomUUID());
    long written;
    try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      written = data.transferTo(Channels.newOutputStream(out));
      out.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    return written;
  }

  @Override
  public void delete(String key) throws IOException {
    Path file = resolve(key);
    Files.deleteIfExists(file);
    // like an S3 prefix, a directory lives as long as something is in it
    for (Path dir = file.getParent(); dir != null && dir.startsWith(root) && !dir.equals(root);
        dir = dir.getParent()) {
      try {
        Files.deleteIfExists(dir);
      } catch (java.nio.file.DirectoryNotEmptyException notEmpty) {
        return;
      }
    }
  }

  /** Deletes the partial files of writes under the prefix that never completed. */
  @Override
  public int discardUnfinished(String prefix) throws IOException {
    ObjectKeys.checkPrefix(prefix);
    if (!Files.isDirectory(root)) {
      return 0;
    }
    int deleted = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String key = root.relativize(file).toString();
        if (key.startsWith(prefix) && key.contains(PARTIAL) && Files.deleteIfExists(file)) {
          deleted++;
        }
      }
    }
    return deleted;
  }

  private Path resolve(String key) {
    Path file = root.resolve(ObjectKeys.check(key)).normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException("object key '" + key + "' escapes " + root);
    }
    return file;
  }

  @Override
  public String describe() {
    return "file://" + root;
  }

  @Override
  public void close() {}
}
