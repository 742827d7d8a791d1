package dev.restoreflow.activities.pgdump;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * ProveRestore of a pgdump clone or drill: in each scratch database, amcheck's
 * {@code bt_index_check(index, heapallindexed => true)} on every valid B-tree index (the
 * database's own, not the cluster's shared catalogs), then every table's row count against the
 * figures the backup recorded in its meta.json ({@link #figures}). The amcheck extension is created
 * for the check and dropped again when it was not there before.
 */
final class ScratchProof {

  /** amcheck's verdicts: index_corrupted (XX002) and data_corrupted (XX001). */
  private static final Pattern CORRUPT = Pattern.compile("ERROR:\\s+XX00[12]:");

  /** Valid, ready B-tree indexes of the database itself: oid|index|table. */
  static final String INDEXES = "select c.oid, format('%I.%I', n.nspname, c.relname),"
      + " format('%I.%I', tn.nspname, t.relname) from pg_index i"
      + " join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace"
      + " join pg_class t on t.oid = i.indrelid join pg_namespace tn on tn.oid = t.relnamespace"
      + " join pg_am a on a.oid = c.relam where a.amname = 'btree' and i.indisvalid"
      + " and i.indisready and c.relpersistence <> 't' and not c.relisshared order by 2;";

  private final DatabaseClient client;
  private final Consumer<String> progress;

  ScratchProof(DatabaseClient client, Consumer<String> progress) {
    this.client = client;
    this.progress = progress;
  }

  /**
   * Per-table row counts {@code backup} recorded: {@code schema.table} (as SQL quotes it) for one
   * database, {@code database/schema.table} for every database.
   */
  static Map<String, Long> figures(DumpMeta backup) {
    Map<String, Long> figures = new LinkedHashMap<>();
    for (DumpMeta part : backup.parts()) {
      for (TableState table : part.tables()) {
        figures.put((backup.allDatabases() ? part.database() + "/" : "") + table.name(),
            table.rows());
      }
    }
    return figures;
  }

  /**
   * @return the proof, for the step's detail
   * @throws DamagedException naming the scratch database and the index or table that is wrong
   */
  String prove(DumpMeta backup, ScratchDatabases into) throws IOException {
    List<String> proofs = new ArrayList<>();
    for (DumpMeta part : backup.parts()) {
      String database = into.nameFor(backup, part);
      try (PsqlSession template1 = PsqlSession.open(client, "template1")) {
        if (!into.existing(template1).contains(database)) {
          throw new DamagedException("scratch database " + database + " does not exist (or is"
              + " not restoreflow's): nothing to prove; restore backup " + backup.id()
              + " into it first");
        }
      }
      proofs.add(proveDatabase(backup, part, database));
    }
    return "proved backup " + backup.id() + " in " + String.join("; ", proofs);
  }

  private String proveDatabase(DumpMeta backup, DumpMeta part, String database)
      throws IOException {
    try (PsqlSession session = PsqlSession.open(client, database)) {
      session.query("\\set VERBOSITY verbose");
      boolean had = !session.query("select 1 from pg_extension where extname = 'amcheck';")
          .isEmpty();
      try {
        session.query("CREATE EXTENSION IF NOT EXISTS amcheck;");
      } catch (IOException e) {
        throw new AmcheckMissingException("CREATE EXTENSION amcheck in scratch database "
            + database + " failed (" + e.getMessage() + "); the instance's database user needs"
            + " the right to create it, and PostgreSQL's contrib modules must be installed");
      }
      List<String> indexes = session.query(INDEXES);
      int n = 0;
      for (String line : indexes) {
        String[] f = line.split("\\|", 3);
        progress.accept("amcheck in " + database + ": index " + (++n) + " of " + indexes.size()
            + " (" + f[1] + ")");
        try {
          session.query("select bt_index_check(" + Long.parseLong(f[0]) + "::oid::regclass,"
              + " true);");
        } catch (IOException e) {
          if (CORRUPT.matcher(e.getMessage()).find()) {
            throw new DamagedException("amcheck: index " + f[1] + " of table " + f[2]
                + " in scratch database " + database + " is damaged: " + firstError(e));
          }
          throw e;
        }
      }
      List<Tables.Table> tables = Tables.list(session);
      List<String> problems = new ArrayList<>();
      long rows = 0;
      for (TableState expected : part.tables()) {
        progress.accept("row count of " + expected.name() + " in " + database);
        boolean present = tables.stream().anyMatch(t -> t.schema().equals(expected.schema())
            && t.name().equals(expected.table()));
        if (!present) {
          problems.add("table " + expected.name() + " is missing");
          continue;
        }
        long count = Long.parseLong(session.value("select count(*) from only "
            + expected.name() + ";").strip());
        if (count != expected.rows()) {
          problems.add("table " + expected.name() + " has " + count + " rows, backup "
              + backup.id() + " recorded " + expected.rows());
        }
        rows += count;
      }
      if (tables.size() != part.tables().size()) {
        problems.add(tables.size() + " tables, backup " + backup.id() + " recorded "
            + part.tables().size());
      }
      if (!problems.isEmpty()) {
        throw new DamagedException("scratch database " + database + " differs from backup "
            + backup.id() + ": " + String.join("; ", problems.subList(0,
                Math.min(5, problems.size()))));
      }
      if (!had) {
        session.query("DROP EXTENSION IF EXISTS amcheck;");
      }
      return database + ": amcheck passed on " + indexes.size() + " B-tree index(es), "
          + part.tables().size() + " table(s) with the " + rows + " row(s) the backup recorded";
    }
  }

  private static String firstError(IOException e) {
    return e.getMessage().lines().filter(l -> l.contains("ERROR:")).findFirst()
        .orElse(e.getMessage()).replaceFirst("^.*ERROR:\\s+", "").strip();
  }

  /** The scratch target is not what the backup holds: a retry proves the same. */
  static final class DamagedException extends IOException {
    DamagedException(String message) {
      super(message);
    }
  }

  /** amcheck cannot be created in the scratch database. */
  static final class AmcheckMissingException extends IOException {
    AmcheckMissingException(String message) {
      super(message);
    }
  }
}
