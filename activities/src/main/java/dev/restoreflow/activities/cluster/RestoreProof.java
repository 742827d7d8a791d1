package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.exec.CommandFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A drill's proof that a restored scratch cluster is sound: in every database that accepts
 * connections, amcheck's {@code bt_index_check(index, heapallindexed => true)} on every valid
 * B-tree index, {@code verify_heapam} on every table (PostgreSQL 14 and later; at most
 * {@link #MAX_PROBLEMS} problems reported), and per-table row counts against the figures the
 * engine recorded at backup time, where it has them. Each database is checked by one psql call
 * (a temporary function that checks every index and table and returns what is damaged), so a
 * damaged index is named without stopping at it.
 */
public final class RestoreProof {

  /** The most damaged objects one database reports: the rest is more of the same. */
  static final int MAX_PROBLEMS = 20;
  /** A notice with the database's count of checked indexes comes after every so many. */
  static final int PROGRESS_EVERY = 25;
  private static final Pattern CHECKED = Pattern.compile("restoreflow-indexes-checked (\\d+)");
  /** The longest one database's check may take (amcheck reads every index and table). */
  static final Duration DATABASE_LIMIT = Duration.ofHours(12);

  /** What a drill found damaged. */
  public static final class DamageFound extends RuntimeException {
    public DamageFound(String message) {
      super(message);
    }
  }

  /** Heartbeat details of ProveRestore, as the Temporal UI shows them. */
  public record Progress(int databasesDone, int databases, int indexesChecked, String current) {}

  private final ClusterControl cluster;
  private final AtomicReference<Progress> progress = new AtomicReference<>(
      new Progress(0, 0, 0, null));

  public RestoreProof(ClusterControl cluster) {
    this.cluster = cluster;
  }

  public Progress progress() {
    return progress.get();
  }

  /**
   * Runs the proof.
   *
   * @param figures the engine's recorded rows per table ({@code schema.table}), counted in
   *     {@code figuresDatabase}; empty = none recorded
   * @param engineName for the detail when there are no figures
   * @return the step's detail
   * @throws DamageFound naming what is damaged (or counted differently)
   */
  public String prove(Map<String, Long> figures, String figuresDatabase, String engineName) {
    return prove(figures, figuresDatabase, engineName, () -> false, null);
  }

  /**
   * @param stop kills the check running when it turns true (the activity was cancelled)
   * @param only the one database to check (a scratch database in the instance's own server,
   *     whose other databases a drill never touches); null = every database of the cluster
   */
  public String prove(Map<String, Long> figures, String figuresDatabase, String engineName,
      java.util.function.BooleanSupplier stop, String only) {
    List<String> databases = only != null ? List.of(only)
        : lines(cluster.queryValue("select datname from pg_database where datallowconn"
            + " order by datname"));
    int version = Integer.parseInt(cluster.queryValue("show server_version_num")) / 10000;
    boolean heap = version >= 14;
    AtomicInteger indexes = new AtomicInteger();
    List<String> damage = new ArrayList<>();
    int done = 0;
    for (String database : databases) {
      progress.set(new Progress(done, databases.size(), indexes.get(), database));
      int before = indexes.get();
      int index = done;
      List<String> found = lines(cluster.queryIn(database, checkSql(heap), DATABASE_LIMIT,
          (stream, line) -> {
            Matcher checked = CHECKED.matcher(line);
            if (checked.find()) {   // the database's running count, every PROGRESS_EVERY indexes
              progress.set(new Progress(index, databases.size(),
                  before + Integer.parseInt(checked.group(1)), database));
            }
          }, stop));
      for (String line : found) {
        if (line.startsWith("#indexes\t")) {
          indexes.addAndGet(Integer.parseInt(line.substring("#indexes\t".length()).strip()));
        } else {
          damage.add(database + ": " + line.replace('\t', ' '));
        }
      }
      done++;
      progress.set(new Progress(done, databases.size(), indexes.get(), null));
    }
    if (!damage.isEmpty()) {
      throw new DamageFound("amcheck found damage in the restored scratch cluster: "
          + String.join("; ", damage.subList(0, Math.min(damage.size(), MAX_PROBLEMS)))
          + (damage.size() > MAX_PROBLEMS ? "; ... (" + damage.size() + " in all)" : "")
          + ". The backup does not restore a sound cluster: do not rely on it");
    }
    String amcheck = "amcheck: " + indexes.get() + " indexes in " + databases.size()
        + " databases OK" + (heap ? " (heap checked too)" : "");
    return amcheck + "; row counts: " + compareCounts(figures, figuresDatabase, engineName);
  }

  private String compareCounts(Map<String, Long> figures, String database, String engineName) {
    if (figures == null || figures.isEmpty()) {
      return "not recorded by engine " + engineName;
    }
    List<String> differ = new ArrayList<>();
    for (Map.Entry<String, Long> table : new TreeMap<>(figures).entrySet()) {
      String counted;
      try {
        counted = cluster.queryIn(database, "select count(*) from " + quoted(table.getKey()));
      } catch (CommandFailedException e) {
        differ.add(table.getKey() + ": recorded " + table.getValue() + " rows, missing after"
            + " the restore (" + e.stderrTail().strip() + ")");
        continue;
      }
      long rows = Long.parseLong(counted.strip());
      if (rows != table.getValue()) {
        differ.add(table.getKey() + ": recorded " + table.getValue() + " rows, restored " + rows);
      }
    }
    if (!differ.isEmpty()) {
      throw new DamageFound("row counts of the restored scratch cluster differ from the backup's"
          + " figures: " + String.join("; ", differ));
    }
    return figures.size() + " tables match";
  }

  /** {@code schema.table} (or a bare table, in public) quoted as an identifier. */
  static String quoted(String table) {
    int dot = table.indexOf('.');
    String schema = dot < 0 ? "public" : table.substring(0, dot);
    String name = dot < 0 ? table : table.substring(dot + 1);
    return ident(schema) + "." + ident(name);
  }

  private static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /**
   * One database's check: a temporary function returns a line per damaged index or table
   * (its name, a tab, what amcheck said) and the number of indexes it checked.
   */
  static String checkSql(boolean heap) {
    String heapCheck = !heap ? "" : """
          for r in select c.oid, c.oid::regclass::text as name from pg_class c
              where c.relkind in ('r', 'm', 't') and c.relpersistence <> 't' order by 1 loop
            begin
              select string_agg(coalesce('block ' || v.blkno || ': ', '') || v.msg, ', ')
                into msg from (select * from verify_heapam(r.oid, on_error_stop => true,
                  check_toast => true) limit 3) v;
              if msg is not null then
                problems := problems + 1;
                obj := 'table ' || r.name; problem := msg; return next;
              end if;
            exception when others then
              problems := problems + 1;
              obj := 'table ' || r.name; problem := sqlerrm; return next;
            end;
            exit when problems >= %d;
          end loop;
        """.formatted(MAX_PROBLEMS);
    return """
        set client_min_messages = warning;
        create extension if not exists amcheck;
        set client_min_messages = notice;
        create function pg_temp.restoreflow_prove() returns table(obj text, problem text)
        language plpgsql as $prove$
        declare
          r record; n int := 0; problems int := 0; msg text;
        begin
          for r in select c.oid, c.oid::regclass::text as name from pg_index i
              join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
              where a.amname = 'btree' and i.indisvalid and i.indisready
                and c.relpersistence <> 't' order by 1 loop
            begin
              perform bt_index_check(r.oid, true);
              n := n + 1;
              if n %% %d = 0 then
                raise notice 'restoreflow-indexes-checked %%', n;
              end if;
            exception when others then
              problems := problems + 1;
              obj := 'index ' || r.name; problem := sqlerrm; return next;
            end;
            exit when problems >= %d;
          end loop;
        %s
          obj := '#indexes'; problem := n::text; return next;
        end $prove$;
        select obj || chr(9) || problem from pg_temp.restoreflow_prove();
        """.formatted(PROGRESS_EVERY, MAX_PROBLEMS, heapCheck);
  }

  private static List<String> lines(String out) {
    List<String> lines = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return lines;
  }
}
