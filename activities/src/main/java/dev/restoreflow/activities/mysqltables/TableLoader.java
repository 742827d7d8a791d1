package dev.restoreflow.activities.mysqltables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MysqlTablesRestore's work: the chosen tables of an archive loaded into a scratch database
 * {@code <db>_restoreflow} on the same server, each compared with the manifest (rows and
 * checksum), and only then swapped in with ONE {@code RENAME TABLE} statement for all of them
 * (atomic): the live tables become {@code <t>_before_<time>}. Until that statement the live
 * tables are exactly as they were.
 */
final class TableLoader {

  private static final Logger log = LoggerFactory.getLogger(TableLoader.class);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
  static final String SCRATCH_SUFFIX = "_restoreflow";

  private final MysqlTablesConfig config;
  private final OptionFile options;
  private final ArchiveDirectory archives;
  private final Clock clock;
  private boolean replaced;
  /** Bytes of the tables' dump files fed to mysql so far, and of all of them (0: not known). */
  private final AtomicLong fed = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private volatile long total;

  TableLoader(MysqlTablesConfig config, OptionFile options, ArchiveDirectory archives,
      Clock clock) {
    this.config = config;
    this.options = options;
    this.archives = archives;
    this.clock = clock;
  }

  /** A loaded table that is not what the manifest says was dumped. */
  static final class MismatchException extends IOException {
    MismatchException(String message) {
      super(message);
    }
  }

  /** Tables a swap cannot move cleanly. */
  static final class ForeignKeysException extends IOException {
    ForeignKeysException(String message) {
      super(message);
    }
  }

  /** What the live tables are now, for a failure's message. */
  String state(List<String> tables) {
    return replaced ? "tables " + String.join(", ", tables) + " WERE replaced (the former ones"
        + " are kept as <table>_before_<time>)" : "the live tables were not changed";
  }

  /**
   * Bytes of the extracted dump files mysql has read so far (the files done, and of the one it
   * is loading, what went into its stdin), of {@link #bytesTotal()}: a load's progress measured
   * on what it consumes, so it ends at its total.
   */
  long bytesDone() {
    long t = total;
    return t == 0 ? 0 : Math.min(t, done.get() + fed.get());
  }

  /** The bytes of the dump files of the tables to load; 0 before they are extracted. */
  long bytesTotal() {
    return total;
  }

  static String scratch(String database) {
    return database + SCRATCH_SUFFIX;
  }

  /** @return what was done, for the step's detail */
  String restore(String archive, Manifest manifest, List<String> tables,
      Consumer<String> progress) throws IOException, InterruptedException {
    String scratch = scratch(config.database());
    // what a killed attempt left (jobs of a host run one at a time: nothing else is building)
    archives.clearPartials();
    Path work = archives.dir().resolve(ArchiveNames.PARTIAL_PREFIX + "restore-"
        + Long.toHexString(System.nanoTime()));
    Files.createDirectory(work,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try (SqlSession session = SqlSession.open(config, options, config.database())) {
      progress.accept("extracting " + tables.size() + " tables from " + archive);
      archives.extract(archive, work, tables.stream().map(TableNames::file).toList());
      session.execute("CREATE DATABASE IF NOT EXISTS " + TableNames.quoted(scratch),
          LiveTables.QUICK);
      long rows = load(session, archive, manifest, tables, scratch, work, progress);
      List<String> keys = LiveTables.foreignKeys(session, scratch, tables);
      List<String> liveKeys = LiveTables.foreignKeys(session, config.database(), tables);
      if (!keys.isEmpty() || !liveKeys.isEmpty()) {
        throw new ForeignKeysException("foreign keys involve the tables (" + String.join("; ",
            keys) + (keys.isEmpty() || liveKeys.isEmpty() ? "" : "; ") + String.join("; ",
                liveKeys) + "): the swap by RENAME TABLE would leave them pointing elsewhere");
      }
      List<String> live = LiveTables.existing(session, config.database(), tables);
      String stamp = STAMP.format(clock.instant().atOffset(ZoneOffset.UTC));
      String rename = renameStatement(config.database(), scratch, tables, live, stamp);
      progress.accept("swapping in " + tables.size() + " tables");
      session.execute(rename, LiveTables.QUICK);
      replaced = true;
      log.info("restored tables {} of {} from {} ({} rows); former ones kept with suffix"
          + " _before_{}", tables, config.database(), archive, rows, stamp);
      session.execute("DROP DATABASE IF EXISTS " + TableNames.quoted(scratch), LiveTables.QUICK);
      return "restored " + tables.size() + " table(s) " + String.join(", ", tables) + " ("
          + rows + " rows) from " + archive + " into database " + config.database()
          + ", each checked against the manifest before ONE atomic RENAME TABLE swapped them in"
          + (live.isEmpty() ? "" : "; the former ones are kept as " + tables.stream()
              .filter(live::contains)
              .map(t -> t + "_before_" + stamp).collect(Collectors.joining(", ")));
    } finally {
      ArchiveDirectory.deleteTree(work);
    }
  }

  /**
   * A clone or drill: the tables loaded into the scratch database {@code into} (made anew, marked
   * as ours; a database of that name that is not ours is refused) and each checked against the
   * manifest, and left there: the live tables are not touched. A failure drops the scratch
   * database again.
   *
   * @return what was done, for the step's detail
   */
  String restoreInto(String archive, Manifest manifest, List<String> tables, ScratchSchema into,
      Consumer<String> progress) throws IOException, InterruptedException {
    archives.clearPartials();
    Path work = archives.dir().resolve(ArchiveNames.PARTIAL_PREFIX + "restore-"
        + Long.toHexString(System.nanoTime()));
    Files.createDirectory(work,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try (SqlSession session = SqlSession.open(config, options, config.database())) {
      into.requireFreeOrOurs(session);
      progress.accept("extracting " + tables.size() + " tables from " + archive);
      archives.extract(archive, work, tables.stream().map(TableNames::file).toList());
      into.recreate(session);
      try {
        long rows = load(session, archive, manifest, tables, into.name(), work, progress);
        log.info("restored tables {} from {} into scratch database {} ({} rows)", tables,
            archive, into.name(), rows);
        return "restored " + tables.size() + " table(s) " + String.join(", ", tables) + " ("
            + rows + " rows) from " + archive + " into scratch database " + into.name()
            + ", each checked against the manifest; the live tables were not touched";
      } catch (IOException | RuntimeException e) {
        try {
          session.execute("DROP DATABASE IF EXISTS " + into.quoted(), LiveTables.QUICK);
        } catch (IOException dropFailed) {
          log.warn("could not drop scratch database {} after the failed load: {}", into.name(),
              dropFailed.getMessage());
        }
        throw e;
      }
    } finally {
      ArchiveDirectory.deleteTree(work);
    }
  }

  /**
   * Loads each table's file from {@code work} into {@code scratch} (dropping a leftover first) and
   * checks it against the manifest.
   *
   * @return the rows loaded
   * @throws MismatchException naming the first table whose rows or checksum differ
   */
  private long load(SqlSession session, String archive, Manifest manifest, List<String> tables,
      String scratch, Path work, Consumer<String> progress)
      throws IOException, InterruptedException {
    long rows = 0;
    long all = 0;
    for (String table : tables) {
      Path file = work.resolve(TableNames.file(table));
      all += Files.isRegularFile(file) ? Files.size(file) : 0;
    }
    total = all;
    for (String table : tables) {
      session.execute("DROP TABLE IF EXISTS " + TableNames.quoted(scratch) + "."
          + TableNames.quoted(table), LiveTables.QUICK);
      progress.accept("loading table " + table + " into " + scratch);
      Path file = work.resolve(TableNames.file(table));
      if (!Files.isRegularFile(file)) {
        throw new ArchiveDirectory.DamagedArchiveException("archive " + archive + " has no "
            + TableNames.file(table));
      }
      fed.set(0);
      Tools.Ran loaded = Tools.runWithInput(MariaDbCommands.load(config, options, scratch),
          file, LiveTables.SCAN, fed);
      done.addAndGet(Files.size(file));
      fed.set(0);
      if (!loaded.succeeded()) {
        throw new IOException("loading " + TableNames.file(table) + " into " + scratch
            + " failed (exit " + loaded.exitCode() + "): " + loaded.said());
      }
      progress.accept("checking table " + table + " against the manifest");
      Manifest.TableFacts expected = manifest.table(table).orElseThrow();
      TableChecksum.Counted counted = LiveTables.count(session, scratch, table);
      if (counted.rows() != expected.rows() || !counted.checksum().equals(expected.checksum())) {
        throw new MismatchException("table " + table + " loaded from " + archive + " has "
            + counted.rows() + " rows, " + counted.checksum() + "; the manifest says "
            + expected.rows() + " rows, " + expected.checksum());
      }
      rows += counted.rows();
    }
    return rows;
  }

  /**
   * One statement: each live table aside, each loaded one in; a table the live database lacks
   * (dropped) is only moved in.
   */
  static String renameStatement(String database, String scratch, List<String> tables,
      List<String> live, String stamp) {
    List<String> pairs = new ArrayList<>();
    String db = TableNames.quoted(database) + ".";
    for (String table : tables) {
      if (live.contains(table)) {
        pairs.add(db + TableNames.quoted(table) + " TO " + db
            + TableNames.quoted(table + "_before_" + stamp));
      }
      pairs.add(TableNames.quoted(scratch) + "." + TableNames.quoted(table) + " TO " + db
          + TableNames.quoted(table));
    }
    return "RENAME TABLE " + String.join(", ", pairs);
  }
}
