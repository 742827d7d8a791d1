package dev.restoreflow.activities.pgdump;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The live database's side of a selective restore: which of the chosen tables it has (their
 * former versions are moved aside, not dropped), and whether anything else holds on to them.
 * A view, a function of their row type, or another table's foreign key would keep pointing at
 * the former versions: such a restore is refused, as is one of a partition or of a table with
 * inheritance.
 */
final class LiveTables {

  private LiveTables() {}

  /** The live database has something that a selective restore of these tables would break. */
  static final class InTheWayException extends IllegalStateException {
    InTheWayException(String message) {
      super(message);
    }
  }

  /**
   * @return the chosen tables the live database has, with their oids
   * @throws InTheWayException see the class
   */
  static List<String> check(PsqlSession session, List<TableState> chosen) throws IOException {
    List<String> oids = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (TableState table : chosen) {
      List<String> rows = session.query("select c.oid, c.relkind, c.relispartition, exists("
          + "select 1 from pg_inherits i where i.inhrelid = c.oid or i.inhparent = c.oid)"
          + " from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = "
          + PgTools.literal(table.schema()) + " and c.relname = " + PgTools.literal(table.table())
          + ";");
      if (rows.isEmpty()) {
        continue;
      }
      String[] f = rows.get(0).split("\\|");
      String name = table.schema() + "." + table.table();
      if (!f[1].equals("r")) {
        problems.add(name + " is not an ordinary table in the live database (relkind " + f[1]
            + ")");
      } else if (f[2].equals("t") || f[3].equals("t")) {
        problems.add(name + " is a partition or has inheritance: restore the whole database");
      }
      oids.add(f[0]);
    }
    List<String> holders = new ArrayList<>();
    if (!oids.isEmpty()) {
      String set = "array[" + String.join(",", oids) + "]::oid[]";
      for (String line : session.query("select distinct pg_describe_object(d.classid, d.objid,"
          + " d.objsubid) || ' uses ' || pg_describe_object(d.refclassid, d.refobjid, 0)"
          + " from pg_depend d where d.deptype = 'n'"
          + " and ((d.refclassid = 'pg_class'::regclass and d.refobjid = any(" + set + "))"
          + " or (d.refclassid = 'pg_type'::regclass and d.refobjid in (select reltype"
          + " from pg_class where oid = any(" + set + "))))"
          + " and not (d.classid = 'pg_constraint'::regclass and exists (select 1"
          + " from pg_constraint k where k.oid = d.objid and k.conrelid = any(" + set + ")))"
          + " and not (d.classid = 'pg_class'::regclass and d.objid = any(" + set + "))"
          + " order by 1 limit 10;")) {
        holders.add(line);
      }
    }
    if (!holders.isEmpty()) {
      problems.add(String.join("; ", holders) + " (add their tables to the tables, drop them"
          + " first, or restore the whole database)");
    }
    if (!problems.isEmpty()) {
      throw new InTheWayException("a restore of only these tables would break the live"
          + " database: " + String.join("; ", problems));
    }
    return oids;
  }
}
