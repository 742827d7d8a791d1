package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.pgdump.PgDumpActivities;
import dev.restoreflow.activities.pgdump.PgDumpConfig;
import dev.restoreflow.activities.pgdump.PgDumpEngine;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import io.temporal.client.WorkflowFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The pgdump engine with {@code allDatabases} on a real PostgreSQL 15 cluster: a full and an
 * incremental backup of every database (shop, crm, postgres, and extra, new in the incremental)
 * with the cluster's globals (roles, memberships, role and database settings, owners). Each
 * restore is compared with what the test itself read at its backup (every table's row count and
 * MD5, the globals from the catalogs), and what the backup does not know (a role, a database)
 * is left alone. A meta.json naming a database that is not a plain name is refused with nothing
 * changed. The host worker is a separate process, as in production.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PgDumpAllDatabasesIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ROLES = List.of("app_owner", "reader");
  private static final List<String> AT_FULL = List.of("crm", "postgres", "shop");
  private static final List<String> AT_INCREMENTAL = List.of("crm", "extra", "postgres", "shop");

  private ItSandbox main1;
  private ItTemporal temporal;
  private RestoreflowProcess worker;
  private Path repository;
  private String fullId;
  private String incrementalId;
  private Snapshot atFull;
  private Snapshot atIncremental;

  /** What the test reads of the cluster: each database's tables, and the globals, as text. */
  private record Snapshot(Map<String, Map<String, String>> databases, String globals) {}

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    repository = Files.createDirectories(main1.stateDir().resolve("pgdump-repo"));
    sql("postgres", "create database shop");
    sql("postgres", "create database crm");
    sql("postgres", "create role app_owner login password 'secret-1' connection limit 7;"
        + " create role reader nologin; grant reader to app_owner with admin option;"
        + " alter role reader set search_path = a, b;"
        + " alter role app_owner in database shop set work_mem = '8MB';"
        + " alter database crm set statement_timeout = '5s'; alter database crm owner to app_owner;"
        + " create table kv (k text primary key, v text); insert into kv values ('site', 'one')");
    sql("shop", "create table items (id int primary key, name text not null, price numeric(10,2));"
        + " create table orders (id bigserial primary key, item int references items, qty int);"
        + " insert into items select g, 'item ' || g, g * 1.5 from generate_series(1, 300) g;"
        + " insert into orders (item, qty) select 1 + g % 300, g % 7"
        + " from generate_series(1, 900) g");
    sql("crm", "create table contacts (id int primary key, email text);"
        + " insert into contacts select g, 'c' || g || '@example.org'"
        + " from generate_series(1, 200) g");

    InstanceConfig instance = CheckedSettings.checked("main1", main1.instance
        .withEngine(PgDumpEngine.NAME).withSettings(new PgDumpConfig("file://" + repository,
            null, null, null, null, null, null, null, null, null, 1, 2,
            main1.stateDir().resolve("pgdump-staging").toString(), null, null, null, true,
            List.of())));
    ItServer server = ItTemporal.startServer();
    RestoreflowConfig config = new RestoreflowConfig(new TemporalConfig(server.target(),
        "default"), main1.stateDir().resolve("ledger.db").toString(),
        main1.stateDir().resolve("Logs").toString(), Map.of("local",
            new HostConfig(HostConfig.LOCAL)), Map.of("main1", instance), null);
    Path configFile = BaseBackups.writeConfig(main1, config);
    temporal = ItTemporal.start(server, config, List.of());
    worker = RestoreflowProcess.worker(configFile, "local", main1.stateDir().resolve("worker.log"));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (temporal != null) {
      temporal.close();
    }
    if (main1 != null) {
      main1.close();
    }
  }

  @Test
  @Order(1)
  void aFullBackupHoldsEveryDatabaseAndTheGlobals() throws Exception {
    BackupResult full = backup("full", AT_FULL);
    fullId = full.backupId();
    atFull = snapshot(AT_FULL);
    // what the later comparisons rely on: the setup is really in the catalogs
    for (String line : List.of("member app_owner of reader admin=t",
        "settings of role reader in database *: search_path=a, b",
        "settings of role app_owner in database shop: work_mem=8MB",
        "settings of role * in database crm: statement_timeout=5s",
        "database crm owner=app_owner")) {
      assertTrue(atFull.globals().lines().anyMatch(line::equals), line + " in\n"
          + atFull.globals());
    }
    assertTrue(atFull.globals().contains("connlimit=7 until= password=SCRAM-SHA-256$"),
        atFull.globals());
  }

  @Test
  @Order(2)
  void anIncrementalNamesEveryDatabaseIncludingOneNewSinceItsParent() throws Exception {
    sql("shop", "insert into items values (1001, 'after the full', 9)");
    sql("postgres", "create database extra");
    sql("extra", "create table parcels (id int primary key, weight int);"
        + " insert into parcels select g, g % 13 from generate_series(1, 50) g");
    BackupResult incremental = backup("incremental", AT_INCREMENTAL);
    incrementalId = incremental.backupId();
    atIncremental = snapshot(AT_INCREMENTAL);

    String metaText = Files.readString(meta(incrementalId));
    Set<String> words = words(JSON.readTree(metaText));
    for (String database : AT_INCREMENTAL) {
      assertTrue(words.contains(database), "meta.json names database " + database + ": "
          + metaText);
    }
    assertTrue(metaText.contains("globals"), "meta.json has the globals: " + metaText);
  }

  @Test
  @Order(3)
  void restoringTheIncrementalRebuildsEveryDatabaseAndTheGlobalsAndLeavesTheRestAlone()
      throws Exception {
    sql("shop", "delete from orders where id % 2 = 0; update items set name = 'changed'");
    sql("extra", "delete from parcels where id > 10");
    sql("postgres", "alter role app_owner connection limit 1 password 'changed';"
        + " revoke reader from app_owner; drop role reader;"
        + " create role newcomer login connection limit 3");
    sql("postgres", "drop database crm");
    sql("postgres", "create database later");
    sql("later", "create table drafts (id int); insert into drafts values (1), (2)");
    String newcomerAndLater = globals(List.of("newcomer"), List.of("later"));
    Map<String, String> laterTables = tables("later");

    RestoreResult result = restore(incrementalId);
    assertRestored(atIncremental, AT_INCREMENTAL, incrementalId);
    assertEquals(newcomerAndLater, globals(List.of("newcomer"), List.of("later")),
        "a role and a database the backup does not know keep their globals");
    assertEquals(laterTables, tables("later"), "database later is left as it is");
    assertTrue(databases().stream().anyMatch(d -> d.startsWith("shop_before_")),
        "the replaced shop is kept: " + databases());
    String step = detail(result.steps(), PgDumpActivities.RESTORE_STEP);
    assertTrue(step.contains("later"), "the step says later is left as it is: " + step);
    assertTrue(step.contains("1 created"), "the dropped role reader is created again: " + step);
  }

  @Test
  @Order(4)
  void restoringTheFullLeavesADatabaseItDidNotHaveAlone() throws Exception {
    Map<String, String> extraTables = tables("extra");
    RestoreResult result = restore(fullId);
    assertRestored(atFull, AT_FULL, fullId);
    assertTrue(databases().contains("extra"), "extra is kept: " + databases());
    assertEquals(extraTables, tables("extra"), "database extra is left as it is");
    String step = detail(result.steps(), PgDumpActivities.RESTORE_STEP);
    assertTrue(step.contains("extra"), "the step says extra is left as it is: " + step);
  }

  @Test
  @Order(5)
  void aMetaJsonNamingADatabaseThatIsNotAPlainNameIsRefusedAndNothingChanges() throws Exception {
    String copyId = "20200101T000000Z";
    Path copy = repository.resolve("main1/pgdump/" + copyId);
    copyTree(meta(incrementalId).getParent(), copy);
    try {
      // the copy names itself wherever the original named its id (the backup and its parts)
      String text = Files.readString(meta(copyId)).replace(quoted(incrementalId),
          quoted(copyId));
      Files.writeString(meta(copyId), text);
      assertTrue(catalogIds().contains(copyId), "a valid copy is listed, so what follows is"
          + " refused for the database name alone: " + catalogIds());
      String edited = text.replace(quoted("crm"), quoted("crm\"; drop database shop; --"));
      assertNotEquals(text, edited, "meta.json names crm as a JSON string: " + text);
      Files.writeString(meta(copyId), edited);

      List<String> databasesBefore = databases();
      Snapshot before = snapshot(AT_INCREMENTAL);
      InstanceCatalog listing = temporal.restoreflow.catalog("main1", JOB_LIMIT).instances()
          .get(0);
      assertTrue(listing.backups().isEmpty() && listing.note().startsWith("could not be read"),
          "the listing fails: " + listing);
      assertOneClearLine(listing.note());

      Submission job = temporal.restoreflow.submit(RestoreRequest.of("main1")
          .withBackupId(copyId).withHost("local"));
      assertThrows(WorkflowFailedException.class,
          () -> temporal.restoreflow.await(job.jobId(), JOB_LIMIT));
      RestoreProgress failed = temporal.restoreflow.progress(job.jobId());
      assertEquals(JobState.FAILED, failed.state(), failed.toString());
      assertOneClearLine(failed.message());

      assertEquals(databasesBefore, databases(), "no database added, dropped or renamed");
      assertEquals(before, snapshot(AT_INCREMENTAL), "every database and the globals unchanged");
    } finally {
      deleteTree(copy);   // a bad meta.json makes every later listing fail
    }
  }

  private static String quoted(String text) throws Exception {
    return JSON.writeValueAsString(text);
  }

  private List<String> catalogIds() throws Exception {
    return temporal.restoreflow.catalog("main1", JOB_LIMIT).instances().get(0).backups().stream()
        .map(CatalogBackup::id).toList();
  }

  private static void assertOneClearLine(String message) {
    assertTrue(message != null && !message.isBlank(), "a message: " + message);
    assertFalse(message.contains("\n"), "one line: " + message);
    assertFalse(message.contains("Exception") || message.contains("\tat "),
        "no Java exception or stack trace: " + message);
  }

  private BackupResult backup(String type, List<String> databases) throws Exception {
    BackupResult result = temporal.restoreflow.awaitBackup(temporal.restoreflow.submitBackup(
        BackupRequest.of("main1")).jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, result.state(), result.message());
    assertEquals(type, result.type(), detail(result.steps(), Steps.PLAN_BACKUP));
    String taken = detail(result.steps(), Steps.TAKE_BACKUP);
    for (String database : databases) {
      assertTrue(taken.contains(database), "the backup names database " + database + ": "
          + taken);
    }
    return result;
  }

  private RestoreResult restore(String backupId) throws Exception {
    RestoreResult result = temporal.restoreflow.await(temporal.restoreflow.submit(
        RestoreRequest.of("main1").withBackupId(backupId).withHost("local")).jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, result.state(), result.message());
    assertEquals(List.of(Steps.PLAN, PgDumpActivities.RESTORE_STEP, Steps.VERIFY),
        result.steps().stream().map(StepProgress::name).toList());
    return result;
  }

  private void assertRestored(Snapshot expected, List<String> databases, String backupId)
      throws Exception {
    Snapshot now = snapshot(databases);
    assertEquals(expected.databases(), now.databases(), "every database's tables after"
        + " restoring " + backupId);
    assertEquals(expected.globals(), now.globals(), "the globals after restoring " + backupId);
    assertTrue(databases().stream().noneMatch(d -> d.endsWith("_restoring")),
        "no database left half built: " + databases());
  }

  private static String detail(List<StepProgress> steps, String step) {
    return steps.stream().filter(s -> s.name().equals(step)).findFirst().orElseThrow().detail();
  }

  private Snapshot snapshot(List<String> databases) throws Exception {
    Map<String, Map<String, String>> tables = new LinkedHashMap<>();
    for (String database : databases) {
      tables.put(database, tables(database));
    }
    return new Snapshot(tables, globals(ROLES, databases));
  }

  /** Every user table of the database: its row count and an MD5 of its rows, sorted. */
  private Map<String, String> tables(String database) throws Exception {
    Map<String, String> contents = new TreeMap<>();
    for (String table : sql(database, "select format('%I.%I', schemaname, tablename)"
        + " from pg_tables where schemaname not in ('pg_catalog', 'information_schema')")
        .lines().toList()) {
      contents.put(table, sql(database, "select count(*) || ':' || coalesce(md5(string_agg("
          + "t::text, ',' order by t::text)), '') from " + table + " t").strip());
    }
    return contents;
  }

  /**
   * The globals of these roles and databases, one sorted line each: attributes with the password
   * hash, memberships, role and database settings (by name: a rebuilt database has a new oid),
   * owners.
   */
  private String globals(List<String> roles, List<String> databases) throws Exception {
    return sql("postgres", """
        select format('role %s super=%s inherit=%s createrole=%s createdb=%s login=%s'
            || ' replication=%s bypassrls=%s connlimit=%s until=%s password=%s', rolname,
            rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication,
            rolbypassrls, rolconnlimit, rolvaliduntil, rolpassword)
          from pg_authid where rolname in ROLES
        union all
        select format('member %s of %s admin=%s', m.rolname, r.rolname, a.admin_option)
          from pg_auth_members a join pg_roles r on r.oid = a.roleid
            join pg_roles m on m.oid = a.member
          where r.rolname in ROLES or m.rolname in ROLES
        union all
        select format('settings of role %s in database %s: %s', coalesce(r.rolname, '*'),
            coalesce(d.datname, '*'), array_to_string(s.setconfig, ' '))
          from pg_db_role_setting s left join pg_roles r on r.oid = s.setrole
            left join pg_database d on d.oid = s.setdatabase
          where (s.setrole = 0 or r.rolname in ROLES)
            and (s.setdatabase = 0 or d.datname in DATABASES)
        union all
        select format('database %s owner=%s', datname, pg_get_userbyid(datdba))
          from pg_database where datname in DATABASES
        order by 1
        """.replace("ROLES", sqlList(roles)).replace("DATABASES", sqlList(databases)));
  }

  private static String sqlList(List<String> names) {
    return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", ", "(", ")"));
  }

  private List<String> databases() throws Exception {
    return sql("postgres", "select datname from pg_database where not datistemplate"
        + " order by datname").lines().toList();
  }

  private String sql(String database, String statements) throws Exception {
    return main1.psql(database, statements);
  }

  private Path meta(String backupId) {
    return repository.resolve("main1/pgdump/" + backupId + "/meta.json");
  }

  /** Every field name and text value of a JSON document, at any depth. */
  private static Set<String> words(JsonNode node) {
    Set<String> words = new HashSet<>();
    if (node.isTextual()) {
      words.add(node.asText());
    }
    node.fieldNames().forEachRemaining(words::add);
    node.elements().forEachRemaining(child -> words.addAll(words(child)));
    return words;
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : walk.toList()) {
        Files.copy(source, to.resolve(from.relativize(source).toString()));
      }
    }
  }

  private static void deleteTree(Path root) throws Exception {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
