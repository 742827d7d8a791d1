package dev.restoreflow.worker.sandbox;

import dev.restoreflow.activities.cluster.ClusterControl;
import java.util.Map;
import java.util.TreeMap;

/**
 * Row count and content hash of every table in the public schema: two clusters hold the same
 * data exactly when their fingerprints are equal.
 */
public final class DataFingerprint {

  private static final String TABLES = "select quote_ident(c.relname) from pg_class c"
      + " join pg_namespace n on n.oid = c.relnamespace"
      + " where n.nspname = 'public' and c.relkind = 'r' order by c.relname";

  private DataFingerprint() {}

  /** table name -> "rows:md5 of the rows in a fixed order". */
  public static Map<String, String> of(ClusterControl cluster) {
    Map<String, String> tables = new TreeMap<>();
    for (String table : cluster.queryValue(TABLES).split("\n")) {
      if (table.isBlank()) {
        continue;
      }
      String value = cluster.queryValue("select count(*) || ':' || coalesce(md5(string_agg(t::text,"
          + " '|' order by t::text)), '') from public." + table + " t");
      tables.put(table, value);
    }
    return tables;
  }
}
