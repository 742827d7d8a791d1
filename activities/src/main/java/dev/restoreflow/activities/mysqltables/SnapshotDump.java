package dev.restoreflow.activities.mysqltables;

import dev.restoreflow.activities.CountedInputStream;
import dev.restoreflow.workflows.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TakeBackup's work: the chosen tables from ONE snapshot into a checked archive.
 *
 * <p>Session A takes {@code FLUSH TABLES WITH READ LOCK}; while writers wait, session B opens
 * {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} and reads the binlog position, and one
 * mariadb-dump run starts its own single transaction. Once the dump shows its first table (its
 * snapshot is taken before it), A unlocks: writers waited for milliseconds. Both snapshots hold
 * the same committed state, so B's row counts and checksums describe exactly what was dumped.
 * The files are archived under a hidden {@code .partial-} name, tested with {@code 7zz t}, and
 * only then linked under the promised name.
 */
final class SnapshotDump {

  private static final Logger log = LoggerFactory.getLogger(SnapshotDump.class);
  private final MysqlTablesConfig config;
  private final OptionFile options;
  private final ArchiveDirectory archives;
  private final Clock clock;
  /** Bytes of mariadb-dump's output read so far, for the step's heartbeat. */
  private final AtomicLong dumped = new AtomicLong();

  SnapshotDump(MysqlTablesConfig config, OptionFile options, ArchiveDirectory archives,
      Clock clock) {
    this.config = config;
    this.options = options;
    this.archives = archives;
    this.clock = clock;
  }

  Manifest take(String name, List<String> tables, String jobId, Consumer<String> progress)
      throws IOException, InterruptedException {
    Instant started = clock.instant();
    Path work = archives.dir().resolve(ArchiveNames.partial(name) + ".d");
    Files.createDirectory(work,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path partial = archives.dir().resolve(ArchiveNames.partial(name));
    try {
      List<Manifest.TableFacts> facts = new ArrayList<>();
      SnapshotPoint point = dump(work, tables, progress, facts);
      Manifest manifest = new Manifest(Manifest.FORMAT, name, jobId, config.database(),
          point.serverVersion(), point.binlog(), point.writersHeldMillis(), started.toString(),
          clock.instant().toString(), facts);
      Files.write(work.resolve(Manifest.FILE), manifest.toJson());
      List<String> files = new ArrayList<>(tables.stream().map(TableNames::file).toList());
      files.add(Manifest.FILE);
      progress.accept("archiving " + files.size() + " files");
      archives.build(partial, work, files);
      progress.accept("testing the archive");
      String damage = archives.test(partial);
      if (damage != null) {
        throw new IOException("the new archive does not test whole: " + damage);
      }
      archives.promise(partial, name);
      log.info("archive {}: tables {} ({} rows) from one snapshot at binlog {}", name, tables,
          facts.stream().mapToLong(Manifest.TableFacts::rows).sum(), point.binlog());
      return manifest;
    } finally {
      ArchiveDirectory.deleteTree(work);
      Files.deleteIfExists(partial);
    }
  }

  /** The server and the binlog position the snapshot was taken at. */
  /**
   * The bytes of the dump read so far. The SQL text has no known ratio to the tables' size on
   * disk, so this is a count for the rate, not a part of a total.
   */
  long bytesDumped() {
    return dumped.get();
  }

  record SnapshotPoint(String serverVersion, String binlog, long writersHeldMillis) {}

  private SnapshotPoint dump(Path work, List<String> tables, Consumer<String> progress,
      List<Manifest.TableFacts> facts) throws IOException, InterruptedException {
    try (SqlSession lock = SqlSession.open(config, options, config.database());
        SqlSession snapshot = SqlSession.open(config, options, config.database())) {
      lock.execute("SET SESSION lock_wait_timeout = 60", LiveTables.QUICK);
      progress.accept("FLUSH TABLES WITH READ LOCK");
      lock.execute("FLUSH TABLES WITH READ LOCK", LiveTables.QUICK);
      long lockedAt = System.nanoTime();
      snapshot.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
          LiveTables.QUICK);
      snapshot.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT", LiveTables.QUICK);
      List<String> status = snapshot.query("SHOW MASTER STATUS", LiveTables.QUICK);
      String binlog = status.isEmpty() ? "binlog off" : binlogPosition(status.get(0));
      String version = snapshot.query("SELECT VERSION()", LiveTables.QUICK).get(0).strip();
      Process dump = Tools.start(MariaDbCommands.dump(config, options, tables), null);
      dump.getOutputStream().close();
      StreamTail errors = StreamTail.drain(dump.getErrorStream(), "mariadb-dump-stderr");
      long[] heldMillis = {-1};
      Runnable unlock = () -> {
        try {
          lock.execute("UNLOCK TABLES", LiveTables.QUICK);
          heldMillis[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lockedAt);
          log.info("writers were held {} ms while the snapshots were taken", heldMillis[0]);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };
      Map<String, Long> sizes;
      try {
        sizes = new DumpSplitter(work, tables, unlock,
            (table, bytes) -> progress.accept("dumping table " + table + ": "
                + Sizes.human(bytes) + " read")).split(new CountedInputStream(dump.getInputStream(), dumped));
      } catch (IOException | RuntimeException e) {
        dump.destroyForcibly();
        dump.waitFor(10, TimeUnit.SECONDS);
        String said = errors.text().strip();
        throw new IOException("mariadb-dump" + (said.isEmpty() ? "" : ": " + said) + " ("
            + e.getMessage() + ")", e);
      }
      if (!dump.waitFor(10, TimeUnit.MINUTES) || dump.exitValue() != 0) {
        dump.destroyForcibly();
        throw new IOException("mariadb-dump failed: " + errors.text().strip());
      }
      if (heldMillis[0] < 0) {
        unlock.run();
      }
      for (String table : tables) {
        progress.accept("checksum of table " + table + " in the dump's snapshot");
        TableChecksum.Counted counted = LiveTables.count(snapshot, config.database(), table);
        facts.add(new Manifest.TableFacts(table, TableNames.file(table), counted.rows(),
            counted.checksum(), sizes.get(table)));
      }
      snapshot.execute("COMMIT", LiveTables.QUICK);
      return new SnapshotPoint(version, binlog, heldMillis[0]);
    }
  }

  /** {@code SHOW MASTER STATUS}'s row: file, position, ... */
  static String binlogPosition(String row) {
    String[] parts = row.split("\t");
    return parts.length >= 2 ? parts[0] + ":" + parts[1] : row.strip();
  }
}
