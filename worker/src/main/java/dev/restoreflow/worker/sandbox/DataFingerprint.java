package dev.restoreflow.worker.sandbox;

import dev.restoreflow.activities.cluster.ClusterControl;
import java.util.Map;
import java.util.TreeMap;

/**
 * Row count and content hash of every table in the public schema: two clusters hold the same
 * data exactly when their fingerprints are equal.
 */
public final class DataFingerprint {

  private static final String SQL = """
      select string_agg(format('%s=%s', c.relname,
        (xpath('/row/c/text()', query_to_xml(format(
          'select count(*)::text || '':'' || coalesce(md5(string_agg(t::text, ''|'' order by t::text)), '''') as c from public.%I t',
          c.relname), false, false, '')))[1]::text), E'\\n' order by c.relname)
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r'""";

  private DataFingerprint() {}

  /** table name -> "rows:md5". */
  public static Map<String, String> of(ClusterControl cluster) {
    Map<String, String> tables = new TreeMap<>();
    String out = cluster.queryValue(SQL);
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        tables.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return tables;
  }
}
