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
 * Restores a dump and its chain into a new database, proves it (every table's row count and
 * fingerprint as the backup recorded them), and only then puts it in the old one's place; the
 * old database stays, renamed {@code <db>_before_<UTC time>}. The cluster stays up throughout.
 * An every-database backup restores its globals first, then each database so (see
 * {@link #restoreCluster}).
 *
 * <p>The new database is built from the last backup's schema (pre-data), then each table's data
 * from the backup of the chain that holds it (oldest first), then the last backup's indexes,
 * constraints and triggers (post-data): the full, then each incremental's tables in order, and
 * what the last backup no longer has is not there.
 */
final class DumpRestorer {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(DumpRestorer.class);

  private static final DateTimeFormatter SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private final DumpRepository repository;
  private final DatabaseClient client;
  private final InstanceConfig instance;
  private final PgDumpConfig config;
  private final Clock clock;
  private final DumpFetches fetches;
  private String untouched = "nothing was changed";
  /** The databases this restore created to build in (renamed once swapped in). */
  private final List<String> built = new ArrayList<>();
  /** A clone's or drill's scratch place; null = the instance's own databases. */
  private ScratchDatabases scratch;

  DumpRestorer(DumpRepository repository, DatabaseClient client, InstanceConfig instance,
      Clock clock) {
    this(repository, client, instance, clock, new DumpFetches());
  }

  /** @param fetches told of each dump's download, for the step's heartbeat */
  DumpRestorer(DumpRepository repository, DatabaseClient client, InstanceConfig instance,
      Clock clock, DumpFetches fetches) {
    this.fetches = fetches;
    this.repository = repository;
    this.client = client;
    this.instance = instance;
    this.config = instance.settings(PgDumpConfig.class);
    this.clock = clock;
  }

  /**
   * The database being built for {@code database}: one name, so that a retry drops what a dead
   * attempt left.
   */
  static String building(String database) {
    return database + "_restoring";
  }

  /** What is still as it was, should the restore fail now: said after the failure. */
  String untouched() {
    return untouched;
  }

  /**
   * Restores {@code target}; a failure drops the databases it was building (a retry builds them
   * anew; left behind they would only take room), and the live ones stay as they were.
   */
  String restore(DumpMeta target, Consumer<String> progress)
      throws IOException, InterruptedException {
    try {
      return restoreOrFail(target, progress);
    } catch (IOException | RuntimeException e) {
      dropBuilt();
      throw e;
    }
  }

  /**
   * A clone or drill: builds {@code target} into its scratch database(s) (see {@link
   * ScratchDatabases}) and proves each as {@link #restore} does, then leaves it there: nothing is
   * swapped, renamed or dropped among the instance's databases, and the cluster's roles are left
   * alone (an every-database backup's globals are read and checked only). A scratch database a
   * previous attempt left is dropped first; a database of that name that is not ours is refused.
   * A failure drops what this attempt built.
   */
  String restoreInto(DumpMeta target, ScratchDatabases into, Consumer<String> progress)
      throws IOException, InterruptedException {
    this.scratch = into;
    untouched = "the instance's databases were not touched";
    try {
      return restoreIntoOrFail(target, into, progress);
    } catch (IOException | RuntimeException e) {
      dropBuilt();
      throw e;
    }
  }

  private String restoreIntoOrFail(DumpMeta target, ScratchDatabases into,
      Consumer<String> progress) throws IOException, InterruptedException {
    List<String> names = into.names(target);
    try (PsqlSession template1 = PsqlSession.open(client, "template1")) {
      into.requireFreeOrOurs(template1, names);
    }
    List<DumpMeta> chain = repository.chain(target);
    List<String> proofs = new ArrayList<>();
    try (StagedDumps staged = StagedDumps.open(repository, client, instance, config, fetches)) {
      ClusterGlobals globals = null;
      if (target.allDatabases()) {
        progress.accept("globals of " + target.id() + " (read and checked, not applied)");
        globals = staged.fetchGlobals(target);
      }
      if (into.needsEmptyScratch(target)) {
        // where the drill's VerifyCluster connects: the backup lacks the instance's database
        maintenance("DROP DATABASE IF EXISTS " + quote(into.scratch()) + ";");
        built.add(into.scratch());
        maintenance("CREATE DATABASE " + quote(into.scratch()) + " TEMPLATE template0;");
        maintenance("COMMENT ON DATABASE " + quote(into.scratch()) + " IS "
            + PgTools.literal(into.marker()) + ";");
        proofs.add(into.scratch() + " (empty: the backup does not hold database "
            + config.database() + ")");
      }
      for (DumpMeta part : target.parts()) {
        String database = into.nameFor(target, part);
        build(part, partChain(chain, part.database()), database,
            globals == null ? null : globals.database(part.database()), staged, progress);
        verify(part, database);
        progress.accept("verified " + database);
        proofs.add(database + (target.allDatabases() ? " (database " + part.database() + ")"
            : "") + ": " + part.tables().size() + " table(s), " + part.rows() + " row(s)");
        staged.clear();
      }
    }
    return "restored backup " + target.id() + " (chain " + chain.stream().map(DumpMeta::id)
        .toList() + ") into scratch database" + (proofs.size() == 1 ? " " : "s ")
        + String.join(", ", proofs) + ", each verified (row counts and content fingerprints as"
        + " at the backup); owners and privileges were not restored" + (target.allDatabases()
            ? " and the globals were checked, not applied (the cluster's roles are left alone)"
            : "") + "; the instance's databases were not touched";
  }

  private void dropBuilt() {
    for (String database : built) {
      try {
        maintenance("DROP DATABASE IF EXISTS " + quote(database) + ";");
      } catch (IOException | InterruptedException | RuntimeException e) {
        log.warn("could not drop {} after the failed restore: {}", database, e.getMessage());
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private String restoreOrFail(DumpMeta target, Consumer<String> progress)
      throws IOException, InterruptedException {
    List<DumpMeta> chain = repository.chain(target);
    try (StagedDumps staged = StagedDumps.open(repository, client, instance, config, fetches)) {
      if (target.allDatabases()) {
        return restoreCluster(target, chain, staged, progress);
      }
      untouched = "the instance's database was not replaced";
      // an every-database instance restores its older one-database backups into their database
      String database = config.allDatabases() ? target.database() : config.database();
      String building = building(database);
      build(target, partChain(chain, target.database()), building, null, staged, progress);
      String proof = verify(target, building);
      progress.accept(proof);
      String kept = swap(database, building, beforeName(database));
      return "restored backup " + target.id() + " (chain " + chain.stream().map(DumpMeta::id)
          .toList() + ") into database " + database + "; " + proof
          + (kept == null ? "" : "; the old database is kept as " + kept);
    }
  }

  /**
   * Every database of the backup and the globals: the roles first (the dumps name them as
   * owners), then each database built beside the live one and proven, and only when all are,
   * each swapped in. Databases the backup does not have are left as they are.
   */
  private String restoreCluster(DumpMeta target, List<DumpMeta> chain, StagedDumps staged,
      Consumer<String> progress) throws IOException, InterruptedException {
    untouched = "neither the roles nor any database were changed";
    progress.accept("globals of " + target.id());
    ClusterGlobals globals = staged.fetchGlobals(target);
    GlobalsRestorer globalsRestorer = new GlobalsRestorer(client);
    String roles = globalsRestorer.apply(globals);
    progress.accept(roles);
    untouched = "the roles were set as at the backup (" + roles + "); no database was replaced";
    Map<String, String> proven = new LinkedHashMap<>();
    List<String> proofs = new ArrayList<>();
    for (DumpMeta part : target.parts()) {
      String database = part.database();
      String building = building(database);
      build(part, partChain(chain, database), building, globals.database(database), staged,
          progress);
      globalsRestorer.applyToDatabase(globals, database, building);
      verify(part, building);
      proofs.add(database + " (" + part.tables().size() + " tables, " + part.rows() + " rows)");
      proven.put(database, building);
      staged.clear();
    }
    String globalsProof = globalsRestorer.verify(globals, proven);
    List<String> swapped = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (Map.Entry<String, String> database : proven.entrySet()) {
      untouched = "the roles were set as at the backup; " + (swapped.isEmpty()
          ? "no database was replaced" : "databases " + swapped + " were replaced (the old ones"
              + " kept as " + kept + "), the others not");
      String before = swap(database.getKey(), database.getValue(),
          beforeName(database.getKey()));
      swapped.add(database.getKey());
      if (before != null) {
        kept.add(before);
      }
    }
    List<String> leftAlone = otherDatabases(proven.keySet());
    return "restored backup " + target.id() + " (chain " + chain.stream().map(DumpMeta::id)
        .toList() + ") of every database: " + String.join(", ", proofs) + " verified (every"
        + " table's row count and content fingerprint as at the backup); " + globalsProof
        + " (" + roles + ")" + (kept.isEmpty() ? "" : "; the old databases are kept as " + kept)
        + (leftAlone.isEmpty() ? "" : "; not in the backup, left as they are: " + leftAlone);
  }

  /**
   * Builds {@code building} from a database's dump and its chain: the last dump's schema
   * (pre-data), each table's data from the dump that holds it (oldest first), then the last
   * dump's indexes, constraints and triggers (post-data).
   *
   * @param info the database's encoding and locale as the backup recorded them; null = the
   *     cluster's defaults
   */
  private void build(DumpMeta target, List<DumpMeta> chain, String building,
      ClusterGlobals.DatabaseInfo info, StagedDumps staged, Consumer<String> progress)
      throws IOException, InterruptedException {
    List<String> visible = new ArrayList<>();   // the paths pg_restore reads the dumps at
    for (DumpMeta backup : chain) {
      progress.accept("fetching " + backup.id() + " of " + backup.database() + " ("
          + Sizes.human(backup.bytes()) + ")");
      visible.add(staged.visible(staged.fetch(backup)));
    }
    maintenance("DROP DATABASE IF EXISTS " + quote(building) + ";");
    built.add(building);
    maintenance("CREATE DATABASE " + quote(building) + " TEMPLATE template0"
        + createOptions(info) + ";");
    if (scratch != null) {
      maintenance("COMMENT ON DATABASE " + quote(building) + " IS "
          + PgTools.literal(scratch.marker()) + ";");
    }
    String last = visible.get(visible.size() - 1);
    progress.accept("schema of " + target.id() + " into " + building);
    pgRestore(List.of("--section=pre-data"), last, building);
    for (int i = 0; i < chain.size(); i++) {
      DumpMeta backup = chain.get(i);
      List<TableState> held = target.tables().stream()
          .filter(t -> backup.id().equals(t.dataIn())).toList();
      boolean isLast = i == chain.size() - 1;
      if (held.isEmpty() && !isLast) {
        continue;
      }
      progress.accept("data of " + held.size() + " table(s) from " + backup.id() + " into "
          + building);
      Path list = staged.file(backup.id() + "-" + target.database() + ".list");
      Files.write(list, dataEntries(visible.get(i), held, isLast), StandardCharsets.UTF_8);
      pgRestore(List.of("--section=data", "-L", staged.visible(list),
          "-j", String.valueOf(config.restoreJobs())), visible.get(i), building);
    }
    progress.accept("indexes and constraints of " + target.id() + " into " + building);
    pgRestore(List.of("--section=post-data", "-j", String.valueOf(config.restoreJobs())), last,
        building);
  }

  /** The dumps of {@code database} that a restore of the chain's last backup reads. */
  static List<DumpMeta> partChain(List<DumpMeta> chain, String database) throws IOException {
    List<DumpMeta> parts = new ArrayList<>();
    for (int i = chain.size() - 1; i >= 0; i--) {
      DumpMeta backup = chain.get(i);
      DumpMeta part = backup.part(database).orElseThrow(() -> new IOException("backup "
          + backup.id() + " does not hold database " + database + ", which "
          + chain.get(chain.size() - 1).id() + " builds on"));
      parts.add(0, part);
      if (part.isFull()) {
        return parts;
      }
    }
    throw new IOException("the chain of " + chain.get(chain.size() - 1).id() + " has no full"
        + " dump of database " + database);
  }

  private static String createOptions(ClusterGlobals.DatabaseInfo info) {
    if (info == null) {
      return "";
    }
    String options = " ENCODING " + PgTools.literal(info.encoding()) + " LC_COLLATE "
        + PgTools.literal(info.collate()) + " LC_CTYPE " + PgTools.literal(info.ctype());
    if ("i".equals(info.localeProvider()) && info.iculocale() != null) {
      return options + " LOCALE_PROVIDER icu ICU_LOCALE " + PgTools.literal(info.iculocale());
    }
    return "c".equals(info.localeProvider()) ? options + " LOCALE_PROVIDER libc" : options;
  }

  /** The cluster's databases that are not {@code restored}: neither templates nor our own. */
  private List<String> otherDatabases(java.util.Set<String> restored)
      throws IOException, InterruptedException {
    return psqlMaintenance("SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1;")
        .lines().map(String::strip).filter(d -> !d.isEmpty() && !restored.contains(d)
            && !ClusterDatabases.isRestoreflowsOwn(d)).toList();
  }

  private String beforeName(String database) {
    return database + "_before_" + SUFFIX.format(clock.instant());
  }

  /** Every table's row count and fingerprint in {@code database} against the backup's. */
  String verify(DumpMeta target, String database) throws IOException {
    try (PsqlSession session = PsqlSession.open(client, database)) {
      session.query(PsqlSession.STABLE_OUTPUT);
      List<Tables.Table> tables = Tables.list(session);
      List<String> problems = new ArrayList<>();
      for (TableState expected : target.tables()) {
        Tables.Table table = tables.stream().filter(t -> t.schema().equals(expected.schema())
            && t.name().equals(expected.table())).findFirst().orElse(null);
        if (table == null) {
          problems.add(expected.name() + " is missing");
          continue;
        }
        TableState actual = Tables.state(session, table, target.id());
        if (actual.rows() != expected.rows() || !actual.fingerprint()
            .equals(expected.fingerprint())) {
          problems.add(expected.name() + " has " + actual.rows() + " rows (fingerprint "
              + actual.fingerprint() + "), the backup " + expected.rows() + " ("
              + expected.fingerprint() + ")");
        }
      }
      if (tables.size() != target.tables().size()) {
        problems.add(tables.size() + " tables, the backup " + target.tables().size());
      }
      if (!problems.isEmpty()) {
        throw new RestoreMismatchException("the restored database differs from backup "
            + target.id() + ": " + String.join("; ", problems.subList(0,
                Math.min(5, problems.size()))));
      }
      return "verified " + target.tables().size() + " table(s), " + target.rows()
          + " row(s): row counts and content fingerprints as at the backup";
    }
  }

  /** The restored database takes the old one's name; the old one is kept under {@code before}. */
  private String swap(String database, String building, String before)
      throws IOException, InterruptedException {
    boolean exists = !psqlMaintenance("SELECT 1 FROM pg_database WHERE datname = '" + database
        + "';").isBlank();
    if (exists) {
      for (int n = 2; !psqlMaintenance("SELECT 1 FROM pg_database WHERE datname = '" + before
          + "';").isBlank(); n++) {
        before = before.replaceAll("_[0-9]+$", "") + "_" + n;   // two restores in one second
      }
      maintenance("ALTER DATABASE " + quote(database) + " ALLOW_CONNECTIONS false;");
      try {
        // waits up to 10 s for each session to end: a rename fails while one is still there
        maintenance("SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity"
            + " WHERE datname = '" + database + "' AND pid <> pg_backend_pid();");
        maintenance("ALTER DATABASE " + quote(database) + " RENAME TO " + quote(before) + ";");
      } catch (IOException e) {
        // the live database stays as it was, open to connections again
        maintenance("ALTER DATABASE " + quote(database) + " ALLOW_CONNECTIONS true;");
        throw e;
      }
      maintenance("ALTER DATABASE " + quote(before) + " ALLOW_CONNECTIONS true;");
    }
    maintenance("ALTER DATABASE " + quote(building) + " RENAME TO " + quote(database) + ";");
    return exists ? before : null;
  }

  /** The TOC entries of a data section restore: the held tables' data, sequences at the end. */
  private List<String> dataEntries(String dump, List<TableState> held, boolean isLast)
      throws IOException, InterruptedException {
    List<String> entries = new ArrayList<>();
    for (String line : PgTools.run(client, client.argv("pg_restore", List.of("-l", dump)))
        .split("\n")) {
      if (line.startsWith(";") || line.isBlank()) {
        continue;
      }
      int data = line.indexOf(" TABLE DATA ");
      if (data > 0) {
        String rest = line.substring(data + " TABLE DATA ".length());
        if (held.stream().anyMatch(t -> rest.startsWith(t.schema() + " " + t.table() + " "))) {
          entries.add(line);
        }
      } else if (isLast && (line.contains(" SEQUENCE SET ") || line.contains(" BLOB")
          || line.contains(" LARGE OBJECT"))) {
        entries.add(line);
      }
    }
    return entries;
  }

  private void pgRestore(List<String> options, String dump, String database)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--exit-on-error"));
    if (scratch != null) {
      // the owners and grants name the cluster's roles, which a scratch restore leaves alone
      args.addAll(List.of("--no-owner", "--no-privileges"));
    }
    args.addAll(options);
    args.add(dump);
    PgTools.run(client, client.connected("pg_restore", database, args));
  }

  private void maintenance(String sql) throws IOException, InterruptedException {
    psqlMaintenance(sql);
  }

  private String psqlMaintenance(String sql) throws IOException, InterruptedException {
    return PgTools.run(client, client.connected("psql", "template1", List.of("-X", "-A", "-t",
        "-q", "-v", "ON_ERROR_STOP=1", "-c", sql)));
  }

  private static String quote(String identifier) {
    return PgTools.quote(identifier);
  }

  /** The restored database does not hold what the backup recorded. */
  static final class RestoreMismatchException extends IOException {
    RestoreMismatchException(String message) {
      super(message);
    }
  }

  /** A dump whose bytes are not the ones its meta.json describes. */
  static final class CorruptDumpException extends IOException {
    CorruptDumpException(String message) {
      super(message);
    }
  }
}
