package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.CountedInputStream;
import dev.restoreflow.activities.config.InstanceConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;

/**
 * A restore's private staging directory (mode 700, the instance's OS user's): the dumps it
 * reads, fetched and checked against their SHA-256, and the files it writes for the tools.
 * Closing removes it, and the copies made inside a container.
 */
final class StagedDumps implements AutoCloseable {

  private final DumpRepository repository;
  private final DatabaseClient client;
  private final InstanceConfig instance;
  private final Path dir;
  private final DumpFetches fetches;

  private StagedDumps(DumpRepository repository, DatabaseClient client, InstanceConfig instance,
      Path dir, DumpFetches fetches) {
    this.fetches = fetches;
    this.repository = repository;
    this.client = client;
    this.instance = instance;
    this.dir = dir;
  }

  static StagedDumps open(DumpRepository repository, DatabaseClient client,
      InstanceConfig instance, PgDumpConfig config, DumpFetches fetches) throws IOException {
    Path root = Path.of(config.stagingDir());
    Files.createDirectories(root);
    Path dir = Files.createTempDirectory(root, repository.instance() + "-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    StagedDumps staged = new StagedDumps(repository, client, instance, dir, fetches);
    staged.giveToOwner(dir);
    return staged;
  }

  /** A file of this directory, by name (nothing is created). */
  Path file(String name) {
    return dir.resolve(name);
  }

  /**
   * The backup's dump, downloaded here and checked against its meta.json's size and SHA-256.
   *
   * @throws DumpRestorer.CorruptDumpException when the bytes are not the ones recorded
   */
  Path fetch(DumpMeta backup) throws IOException {
    Path file = dir.resolve(backup.id() + "-"
        + (backup.dumpFile() == null ? PgDumpLayout.DUMP : backup.dumpFile()));
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String key = backup.dumpKey();
    long size = repository.store().stat(key).orElseThrow(() -> new IOException("backup "
        + backup.id() + " has no dump in " + repository.store().describe())).size();
    try (InputStream in = new CountedInputStream(repository.store().read(key, 0, size),
            fetches.begin(size));
        OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha256)) {
      in.transferTo(out);
    } finally {
      fetches.end();
    }
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (size != backup.bytes() || !actual.equals(backup.sha256())) {
      throw new DumpRestorer.CorruptDumpException("backup " + backup.id() + "'s dump is " + size
          + " bytes with SHA-256 " + actual + "; its meta.json says " + backup.bytes()
          + " bytes, " + backup.sha256() + ": the dump is damaged; restore another backup");
    }
    giveToOwner(file);
    return file;
  }

  /**
   * An every-database backup's globals, read from the store and checked against its meta.json's
   * size and SHA-256, then parsed (see {@link ClusterGlobals#parse}).
   */
  ClusterGlobals fetchGlobals(DumpMeta backup) throws IOException {
    DumpMeta.GlobalsFile globals = backup.globals();
    if (globals.bytes() > 256L << 20) {
      throw new DumpRestorer.CorruptDumpException("backup " + backup.id() + "'s globals file is"
          + " said to be " + globals.bytes() + " bytes: not a restoreflow globals file");
    }
    byte[] json;
    try (InputStream in = repository.store().read(backup.globalsKey(), 0, globals.bytes())) {
      json = in.readNBytes((int) globals.bytes() + 1);
    }
    String actual;
    try {
      actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (json.length != globals.bytes() || !actual.equals(globals.sha256())) {
      throw new DumpRestorer.CorruptDumpException("backup " + backup.id() + "'s globals file is "
          + json.length + " bytes with SHA-256 " + actual + "; its meta.json says "
          + globals.bytes() + " bytes, " + globals.sha256() + ": it is damaged; restore another"
          + " backup");
    }
    try {
      return ClusterGlobals.parse(json);
    } catch (IOException e) {
      throw new DumpRestorer.CorruptDumpException("backup " + backup.id() + ": "
          + e.getMessage());
    }
  }

  /** Removes what is staged so far (a database is restored: the next one's dumps need room). */
  void clear() throws IOException {
    client.removeCopies();
    try (var paths = Files.list(dir)) {
      for (Path path : paths.toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** The path the tools read {@code file} at: itself, or a checked copy in the container. */
  String visible(Path file) throws IOException {
    giveToOwner(file);
    return client.visible(file);
  }

  /** The instance's OS user runs the tools that read and write here. */
  void giveToOwner(Path path) throws IOException {
    UserPrincipal owner = path.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(instance.osUser());
    Files.setOwner(path, owner);
  }

  @Override
  public void close() {
    client.removeCopies();
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a staging directory left behind is removed by the next restore's cleanup of the root
    }
  }
}
