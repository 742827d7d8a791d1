package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.workflows.Sizes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Restores some tables of a backup into the live database, in one transaction: their former
 * versions are moved into a schema {@code restoreflow_before_<UTC time>} (e.g.
 * {@code restoreflow_before_20261130_021504}), the tables are created as the backup has them
 * (columns, sequences, defaults, constraints, foreign keys, indexes, triggers, grants) with the
 * backup's data, and every one is compared with the backup's row count and fingerprint before
 * the transaction commits. Anything that fails rolls it all back: the live database is as it
 * was. The other tables are not touched, and the database stays open to its sessions (the move
 * waits at most a minute for their locks).
 *
 * <p>The SQL comes from pg_restore itself ({@code -f}, the entries of these tables listed from
 * the last backup's table of contents with their dependencies), each table's data from the
 * backup of the chain that holds it.
 */
final class TableRestorer {

  /** Lower case, so that SQL names the schema without quotes. */
  private static final DateTimeFormatter SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd'_'HHmmss").withZone(ZoneOffset.UTC);

  private final DumpRepository repository;
  private final DatabaseClient client;
  private final InstanceConfig instance;
  private final PgDumpConfig config;
  private final Clock clock;
  private final DumpFetches fetches;

  TableRestorer(DumpRepository repository, DatabaseClient client, InstanceConfig instance,
      Clock clock) {
    this(repository, client, instance, clock, new DumpFetches());
  }

  /** @param fetches told of each dump's download, for the step's heartbeat */
  TableRestorer(DumpRepository repository, DatabaseClient client, InstanceConfig instance,
      Clock clock, DumpFetches fetches) {
    this.fetches = fetches;
    this.repository = repository;
    this.client = client;
    this.instance = instance;
    this.config = instance.settings(PgDumpConfig.class);
    this.clock = clock;
  }

  /** The backups of {@code target}'s chain a restore of {@code chosen} reads, oldest first. */
  static List<DumpMeta> needed(List<DumpMeta> chain, DumpMeta target, List<TableState> chosen) {
    return chain.stream().filter(b -> b.id().equals(target.id())
        || chosen.stream().anyMatch(t -> b.id().equals(t.dataIn()))).toList();
  }

  String restore(DumpMeta target, List<TableState> chosen, Consumer<String> progress)
      throws IOException, InterruptedException {
    List<DumpMeta> needed = needed(repository.chain(target), target, chosen);
    try (StagedDumps staged = StagedDumps.open(repository, client, instance, config, fetches)) {
      Map<String, String> visible = new LinkedHashMap<>();
      for (DumpMeta backup : needed) {
        progress.accept("fetching " + backup.id() + " (" + Sizes.human(backup.bytes()) + ")");
        visible.put(backup.id(), staged.visible(staged.fetch(backup)));
      }
      List<Path> scripts = scripts(staged, target, chosen, needed, visible);
      progress.accept("restoring " + names(chosen) + " into " + config.database());
      try (PsqlSession session = PsqlSession.open(client, config.database())) {
        session.query("BEGIN; SET LOCAL lock_timeout = '60s';");
        List<String> existing = LiveTables.check(session, chosen);
        String aside = existing.isEmpty() ? null : moveAside(session, chosen, existing);
        createMissingSchemas(session, chosen);
        for (Path script : scripts) {
          session.query("\\i " + PgTools.literal(staged.visible(script)));
        }
        String proof = verify(session, target, chosen);
        session.query("COMMIT;");
        progress.accept(proof);
        return "restored table(s) " + names(chosen) + " of backup " + target.id()
            + " into database " + config.database() + " in one transaction; " + proof
            + (aside == null ? "; none of them was there before"
                : "; their former versions are kept in schema " + aside + " (drop it when done)");
      }
    }
  }

  /**
   * pg_restore's SQL, in order: the tables' definitions from the last backup, each one's data
   * from the backup that holds it (the last one's with its sequences' values), then their
   * constraints, indexes, triggers and grants.
   */
  private List<Path> scripts(StagedDumps staged, DumpMeta target, List<TableState> chosen,
      List<DumpMeta> needed, Map<String, String> visible)
      throws IOException, InterruptedException {
    String last = visible.get(target.id());
    Toc toc = Toc.parse(PgTools.run(client, client.argv("pg_restore", List.of("-l", "-v",
        last))));
    String own = listFile(staged, "tables.list", toc.closure(chosen));
    List<Path> scripts = new ArrayList<>();
    scripts.add(script(staged, "1-definitions.sql", List.of("--section=pre-data", "-L", own,
        last)));
    for (DumpMeta backup : needed) {
      if (backup.id().equals(target.id())) {
        continue;
      }
      List<TableState> held = chosen.stream().filter(t -> backup.id().equals(t.dataIn()))
          .toList();
      String dump = visible.get(backup.id());
      Toc older = Toc.parse(PgTools.run(client, client.argv("pg_restore", List.of("-l", "-v",
          dump))));
      String list = listFile(staged, "data-" + scripts.size() + ".list", older.dataOf(held));
      scripts.add(script(staged, "2-data-" + scripts.size() + ".sql", List.of("--section=data",
          "-L", list, dump)));
    }
    scripts.add(script(staged, "3-data-last.sql", List.of("--section=data", "-L", own, last)));
    scripts.add(script(staged, "4-constraints.sql", List.of("--section=post-data", "-L", own,
        last)));
    return scripts;
  }

  private static String listFile(StagedDumps staged, String name, List<String> entries)
      throws IOException {
    Path list = staged.file(name);
    Files.write(list, entries, StandardCharsets.UTF_8);
    return staged.visible(list);
  }

  private Path script(StagedDumps staged, String name, List<String> args)
      throws IOException, InterruptedException {
    Path out = staged.file(name);
    PgTools.restoreScript(client, args, out);
    return out;
  }

  /**
   * Moves the live versions of the tables into a new schema, with their indexes, constraints,
   * sequences and extended statistics (which ALTER TABLE leaves behind); returns its name.
   */
  private String moveAside(PsqlSession session, List<TableState> chosen, List<String> oids)
      throws IOException {
    String base = "restoreflow_before_" + SUFFIX.format(clock.instant());
    String aside = base;
    for (int n = 2; !session.query("select 1 from pg_namespace where nspname = "
        + PgTools.literal(aside) + ";").isEmpty(); n++) {
      aside = base + "_" + n;   // two restores in one second
    }
    StringBuilder sql = new StringBuilder("CREATE SCHEMA " + PgTools.quote(aside) + ";");
    for (TableState table : chosen) {
      sql.append(" ALTER TABLE IF EXISTS ").append(table.name()).append(" SET SCHEMA ")
          .append(PgTools.quote(aside)).append(';');
    }
    for (String statistics : session.query("select quote_ident(n.nspname) || '.' ||"
        + " quote_ident(s.stxname) from pg_statistic_ext s join pg_namespace n"
        + " on n.oid = s.stxnamespace where s.stxrelid = any(array[" + String.join(",", oids)
        + "]::oid[]);")) {
      sql.append(" ALTER STATISTICS ").append(statistics).append(" SET SCHEMA ")
          .append(PgTools.quote(aside)).append(';');
    }
    session.query(sql.toString());
    return aside;
  }

  /** A table of a schema dropped since the backup brings its schema back (empty). */
  private static void createMissingSchemas(PsqlSession session, List<TableState> chosen)
      throws IOException {
    for (String schema : chosen.stream().map(TableState::schema).distinct().toList()) {
      if (session.query("select 1 from pg_namespace where nspname = " + PgTools.literal(schema)
          + ";").isEmpty()) {
        session.query("CREATE SCHEMA " + PgTools.quote(schema) + ";");
      }
    }
  }

  /** Each restored table's row count and fingerprint against the backup's, in the transaction. */
  private static String verify(PsqlSession session, DumpMeta target, List<TableState> chosen)
      throws IOException {
    session.query(PsqlSession.STABLE_OUTPUT);
    List<String> problems = new ArrayList<>();
    long rows = 0;
    for (TableState expected : chosen) {
      TableState actual = Tables.state(session, new Tables.Table(expected.schema(),
          expected.table(), expected.schemaHash()), target.id());
      if (!actual.sameContent(expected)) {
        problems.add(expected.name() + " has " + actual.rows() + " rows (fingerprint "
            + actual.fingerprint() + "), the backup " + expected.rows() + " ("
            + expected.fingerprint() + ")");
      }
      rows += actual.rows();
    }
    if (!problems.isEmpty()) {
      session.query("ROLLBACK;");
      throw new DumpRestorer.RestoreMismatchException("the restored tables differ from backup "
          + target.id() + ": " + String.join("; ", problems) + "; rolled back");
    }
    return "verified " + chosen.size() + " table(s), " + rows + " row(s): row counts and content"
        + " fingerprints as at the backup";
  }

  private static String names(List<TableState> chosen) {
    return chosen.stream().map(t -> t.schema() + "." + t.table()).toList().toString();
  }
}
