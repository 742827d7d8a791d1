package dev.restoreflow.activities.pgdump;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The user tables of a database and their content fingerprints, read in the caller's session
 * (for a backup: the snapshot its dump is taken in). Content is compared, not statistics: a
 * table whose rows are the same has the same fingerprint, whatever happened to it (TRUNCATE and
 * refill, VACUUM FULL, a statistics reset, a crash), so a change is never missed.
 */
final class Tables {

  /** Ordinary tables (leaf partitions included) outside the system schemas and extensions. */
  private static final String LIST = """
      select encode(convert_to(n.nspname, 'UTF8'), 'hex'), encode(convert_to(c.relname, 'UTF8'),
          'hex'),
             md5(coalesce((select string_agg(a.attname || ':' || format_type(a.atttypid,
                 a.atttypmod)
                 || ':' || a.attnotnull || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ','
                 order by a.attnum)
               from pg_attribute a
                 left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
               where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), ''))
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and c.relpersistence <> 't'
        and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
        and not exists (select 1 from pg_depend e where e.classid = 'pg_class'::regclass
                        and e.objid = c.oid and e.deptype = 'e')
      order by 1, 2;""";

  private Tables() {}

  /** A table's schema and name as PostgreSQL has them. */
  record Table(String schema, String name, String schemaHash) {

    /** As SQL names it, quoted. */
    String sql() {
      return quote(schema) + "." + quote(name);
    }

    /** As pg_dump's {@code --exclude-table-data} matches it: every character literal. */
    String pattern() {
      return sql();
    }

    private static String quote(String identifier) {
      return '"' + identifier.replace("\"", "\"\"") + '"';
    }
  }

  static List<Table> list(PsqlSession session) throws IOException {
    List<Table> tables = new ArrayList<>();
    for (String line : session.query(LIST.replace("\n", " "))) {
      String[] f = line.split("\\|");
      tables.add(new Table(text(f[0]), text(f[1]), f[2]));
    }
    return tables;
  }

  /** The table's state: row count and fingerprint (see {@link TableState}). */
  static TableState state(PsqlSession session, Table table, String dataIn) throws IOException {
    String[] f = session.value("select count(*), coalesce(sum(('x' || substr(h, 1, 16))::bit(64)"
        + "::bigint::numeric), 0), coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint"
        + "::numeric), 0) from (select md5(t::text) h from only " + table.sql() + " t) s;")
        .split("\\|");
    return new TableState(table.schema(), table.name(), table.schemaHash(),
        Long.parseLong(f[0]), f[1] + ":" + f[2], dataIn);
  }

  private static String text(String hex) {
    return new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
  }
}
