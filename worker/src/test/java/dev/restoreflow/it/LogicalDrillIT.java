package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.cluster.ClusterActivitiesImpl;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.Inventory;
import dev.restoreflow.activities.config.ScratchConfig;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.activities.host.HostRunners;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.mysqltables.MysqlTablesActivities;
import dev.restoreflow.activities.mysqltables.MysqlTablesActivitiesImpl;
import dev.restoreflow.activities.mysqltables.MysqlTablesConfig;
import dev.restoreflow.activities.mysqltables.MysqlTablesEngine;
import dev.restoreflow.activities.pgdump.PgDumpActivities;
import dev.restoreflow.activities.pgdump.PgDumpActivitiesImpl;
import dev.restoreflow.activities.pgdump.PgDumpConfig;
import dev.restoreflow.activities.pgdump.PgDumpEngine;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.activities.steps.BackupActivitiesImpl;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.BackupActivities;
import dev.restoreflow.workflows.activities.ClusterActivities;
import dev.restoreflow.workflows.model.BackupInput;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.RestoreInto;
import dev.restoreflow.workflows.model.StepInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Clones and drills of the logical engines, their host activities run for real
 * (TestActivityEnvironment) on a real PostgreSQL 15 cluster and a real MariaDB server: each
 * backup restores into a scratch database of the instance's own server, ProveRestore passes
 * (amcheck and row counts; CHECK TABLE EXTENDED and checksums), RemoveScratch drops it, and the
 * instance's own databases, the cluster's postmaster start time and the live tables' checksums
 * are as they were. A scratch damaged behind the figures' back fails ProveRestore VERIFY_FAILED,
 * not retried, naming the table; a damaged backup fails the restore with nothing left behind; a
 * scratch name that is the instance's database, or a database restoreflow did not make, is
 * refused and left alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LogicalDrillIT {

  private static final String DB = "shop";
  private static final String SCRATCH = "shop_drill";
  private static final String PASSWORD_ENV = "RF_IT_DRILL_PASSWORD";
  private static final String PASSWORD = "drill-pass";
  private static final String HOST = HostConfig.LOCAL;

  private ItSandbox pg;
  private MariaDbServer mariadb;
  private Path repository;
  private Path archives;
  private TestActivityEnvironment environment;
  private BackupActivities backups;
  private PgDumpActivities pgdump;
  private MysqlTablesActivities mysqltables;
  private ClusterActivities cluster;
  private String pgBackup;
  private String mysqlArchive;
  private Map<String, String> shopAtBackup;
  private String postmasterStarted;
  private ItTemporal temporal;
  private RestoreflowProcess worker;

  @BeforeAll
  void setUp() throws Exception {
    pg = ItSandbox.create("drill1", HOST);
    repository = Files.createDirectories(pg.stateDir().resolve("pgdump-repo"));
    String staging = pg.stateDir().resolve("pgdump-staging").toString();
    pg.sandbox.sql("create database " + DB);
    shop("create table items (id int primary key, name text not null, price numeric(10,2));"
        + "create index items_name on items (name);"
        + "create table orders (id bigserial primary key, item int references items, qty int);"
        + "create table notes (id int, body text);"
        + "insert into items select g, 'item ' || g, g * 1.5 from generate_series(1, 2000) g;"
        + "insert into orders (item, qty) select 1 + g % 2000, g % 7"
        + " from generate_series(1, 5000) g;"
        + "insert into notes select g, repeat('n', g % 50) from generate_series(1, 300) g");
    ScratchConfig scratch = new ScratchConfig(pg.stateDir().resolve("scratch").toString(), null,
        null);
    InstanceConfig pg1 = CheckedSettings.checked("pg1", pg.instance.withEngine(PgDumpEngine.NAME)
        .withSettings(new PgDumpConfig("file://" + repository, null, null, null, null, null,
            null, null, null, DB, 1, 2, staging, null, null))).withScratch(scratch);
    InstanceConfig pgAll = CheckedSettings.checked("pgall", pg.instance
        .withEngine(PgDumpEngine.NAME).withSettings(new PgDumpConfig("file://"
            + Files.createDirectories(pg.stateDir().resolve("pgdump-all-repo")), null, null, null,
            null, null, null, null, null, null, 1, 2, staging, null, null, null, true, null)))
        .withScratch(scratch);

    mariadb = MariaDbServer.start();
    Files.createDirectories(ItSandbox.root());
    archives = Files.createDirectories(Files.createTempDirectory(ItSandbox.root(), "drill-")
        .resolve("archives"));
    mariadb.sql("CREATE DATABASE " + DB + "; CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '"
        + PASSWORD + "'; GRANT ALL ON *.* TO 'backup'@'127.0.0.1'");
    maria("CREATE TABLE acct (id INT PRIMARY KEY, balance BIGINT NOT NULL, note VARCHAR(40));"
        + "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), KEY by_name (name));"
        + "INSERT INTO acct SELECT seq, 1000, IF(seq % 7 = 0, NULL, CONCAT('a''', seq))"
        + " FROM seq_1_to_3000;"
        + "INSERT INTO items SELECT seq, CONCAT('item ', seq) FROM seq_1_to_500");
    InstanceConfig m1 = CheckedSettings.checked("m1", new InstanceConfig(
        MysqlTablesEngine.NAME, HOST, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, new MysqlTablesConfig(archives.toString(), null,
            mariadb.port(), null, DB, "backup", PASSWORD_ENV, null, null, 1), null, null))
        .withScratch(scratch);

    Map<String, InstanceConfig> instances = new LinkedHashMap<>();
    instances.put("pg1", pg1);
    instances.put("pgall", pgAll);
    instances.put("m1", m1);
    CommandRunner local = new LocalCommandRunner(Redactor.NONE);
    HostServices services = new HostServices(new Inventory(Map.of(HOST,
        new HostConfig(HostConfig.LOCAL)), instances), new HostRunners() {
          @Override
          public CommandRunner forHost(String host) {
            return local;
          }

          @Override
          public CommandRunner worker() {
            return local;
          }
        }, name -> PASSWORD_ENV.equals(name) ? PASSWORD : null);
    environment = TestActivityEnvironment.newInstance();
    environment.registerActivitiesImplementations(new BackupActivitiesImpl(services,
        Engines.standard()), new PgDumpActivitiesImpl(services),
        new MysqlTablesActivitiesImpl(services), new ClusterActivitiesImpl(services));
    ActivityOptions options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(5)).setHeartbeatTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2)
            .setInitialInterval(Duration.ofSeconds(1)).build()).build();
    backups = environment.newActivityStub(BackupActivities.class, options);
    pgdump = environment.newActivityStub(PgDumpActivities.class, options);
    mysqltables = environment.newActivityStub(MysqlTablesActivities.class, options);
    cluster = environment.newActivityStub(ClusterActivities.class, options);

    pgBackup = backups.takeBackup(new BackupInput(step("pg1", null), "full", null)).backupId();
    shopAtBackup = contents(DB);
    shop("insert into items values (9999, 'after the backup', 1); delete from notes where id < 10");
    postmasterStarted = postmasterStart();
    mysqlArchive = backups.takeBackup(new BackupInput(step("m1", null), "full", null, null, null,
        null, List.of("acct", "items"))).backupId();
    maria("UPDATE acct SET balance = balance + 1 WHERE id <= 5");

    // the drill jobs: the workflow on this JVM's server worker, the host's steps in a worker
    // process, as in production (without pgall, whose pgdata the config refuses to share)
    Path state = pg.stateDir();
    ItServer server = ItTemporal.startServer();
    RestoreflowConfig config = new RestoreflowConfig(new TemporalConfig(server.target(),
        "default"), state.resolve("ledger.db").toString(), state.resolve("Logs").toString(),
        Map.of(HOST, new HostConfig(HostConfig.LOCAL)), Map.of("pg1", pg1, "m1", m1), null);
    Path configFile = RestoreflowProcess.writeConfig(config, state.resolve("config.json"));
    temporal = ItTemporal.start(server, config, List.of());
    worker = RestoreflowProcess.worker(configFile, HOST, state.resolve("worker.log"),
        Map.of(PASSWORD_ENV, PASSWORD));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (temporal != null) {
      temporal.close();
    }
    if (environment != null) {
      environment.close();
    }
    if (mariadb != null) {
      mariadb.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  @Order(1)
  void aPgdumpDrillRestoresIntoTheScratchDatabaseProvesItAndRemovesItLeavingTheInstanceAlone()
      throws Exception {
    Map<String, String> live = contents(DB);
    List<String> databases = databases();
    EngineRestoreInput input = restoreInput("pg1", SCRATCH, pgBackup);

    StepResult restored = pgdump.pgDumpRestore(input);
    assertTrue(restored.detail().contains("into scratch database " + SCRATCH)
        && restored.detail().contains("not touched"), restored.detail());
    assertEquals(shopAtBackup, contents(SCRATCH), "the scratch holds the backup's data");
    // a second run (a retry, or a leftover of an earlier drill) builds it anew
    pgdump.pgDumpRestore(input);
    assertEquals(shopAtBackup, contents(SCRATCH));

    StepResult proof = cluster.proveRestore(input);
    assertTrue(proof.detail().matches(".*amcheck passed on [1-9][0-9]* B-tree index\\(es\\), 3"
        + " table\\(s\\) with the 7300 row\\(s\\) the backup recorded.*"), proof.detail());

    StepResult removed = cluster.removeScratch(input.step());
    assertTrue(removed.detail().contains("dropped scratch database " + SCRATCH),
        removed.detail());
    assertTrue(cluster.removeScratch(input.step()).detail().contains("nothing to remove"));
    assertEquals(databases, databases(), "only the scratch database came and went");
    assertEquals(live, contents(DB), "the instance's database is untouched");
    assertEquals(postmasterStarted, postmasterStart(), "the cluster was never restarted");
  }

  @Test
  @Order(2)
  void aScratchDamagedBehindTheFiguresBackOrWithABrokenIndexFailsTheProofNamingIt()
      throws Exception {
    EngineRestoreInput input = restoreInput("pg1", SCRATCH, pgBackup);
    pgdump.pgDumpRestore(input);
    pg.psql(SCRATCH, "delete from notes where id = 42");
    ApplicationFailure failure = failure(() -> cluster.proveRestore(input));
    assertEquals(FailureType.VERIFY_FAILED.name(), failure.getType());
    assertTrue(failure.isNonRetryable(), "a retry would prove the same damage");
    assertTrue(failure.getOriginalMessage().contains("\"public\".\"notes\" has 299 rows, backup "
        + pgBackup + " recorded 300"), failure.getOriginalMessage());

    // an index that no longer matches its table: its expression's "immutable" function changed
    // behind it, so amcheck's heapallindexed finds heap tuples the index lacks
    pgdump.pgDumpRestore(input);
    pg.psql(SCRATCH, "create function rf_shift(int) returns int immutable language sql as"
        + " 'select $1'; create index items_shifted on items (rf_shift(id));"
        + " create or replace function rf_shift(int) returns int immutable language sql as"
        + " 'select $1 + 1'");
    ApplicationFailure index = failure(() -> cluster.proveRestore(input));
    assertEquals(FailureType.VERIFY_FAILED.name(), index.getType());
    assertTrue(index.isNonRetryable());
    assertTrue(index.getOriginalMessage().contains("amcheck: index public.items_shifted of table"
        + " public.items in scratch database " + SCRATCH + " is damaged: "),
        index.getOriginalMessage());

    cluster.removeScratch(input.step());
    assertFalse(databases().contains(SCRATCH));
    assertEquals(postmasterStarted, postmasterStart());
  }

  @Test
  @Order(3)
  void aDamagedBackupFailsTheDrillAndLeavesNoScratchBehind() throws Exception {
    Map<String, String> live = contents(DB);
    Path dump = repository.resolve("pg1/pgdump/" + pgBackup + "/dump.pgdump");
    flipMiddleByte(dump);
    try {
      ApplicationFailure failure = failure(() -> pgdump.pgDumpRestore(
          restoreInput("pg1", SCRATCH, pgBackup)));
      assertEquals(FailureType.OBJECT_CORRUPT.name(), failure.getType(),
          failure.getOriginalMessage());
    } finally {
      flipMiddleByte(dump);
    }
    assertFalse(databases().contains(SCRATCH), "nothing of the scratch is left");
    assertEquals(live, contents(DB));
  }

  @Test
  @Order(4)
  void aScratchNameThatIsTheInstancesDatabaseOrNotOursIsRefusedAndLeftAlone() throws Exception {
    Map<String, String> live = contents(DB);
    ApplicationFailure own = failure(() -> pgdump.pgDumpRestore(
        restoreInput("pg1", DB, pgBackup)));
    assertEquals(FailureType.INVALID_REQUEST.name(), own.getType());
    assertTrue(own.getOriginalMessage().contains("own database"),
        own.getOriginalMessage());
    assertEquals(FailureType.INVALID_REQUEST.name(), failure(() -> cluster.removeScratch(
        step("pg1", DB))).getType());

    pg.sandbox.sql("create database taken");
    pg.psql("taken", "create table mine (v int); insert into mine values (1)");
    ApplicationFailure taken = failure(() -> pgdump.pgDumpRestore(
        restoreInput("pg1", "taken", pgBackup)));
    assertEquals(FailureType.INVALID_REQUEST.name(), taken.getType());
    assertTrue(taken.getOriginalMessage().contains("not a scratch database restoreflow made"),
        taken.getOriginalMessage());
    assertTrue(cluster.removeScratch(step("pg1", "taken")).detail().contains("left alone"));
    assertEquals("1", pg.psql("taken", "select v from mine").strip());
    pg.sandbox.sql("drop database taken");
    assertEquals(live, contents(DB));
  }

  @Test
  @Order(5)
  void anEveryDatabaseBackupRestoresEachDatabaseIntoItsOwnScratchAndLeavesTheRolesAlone()
      throws Exception {
    String roles = pg.sandbox.sql("select string_agg(rolname, ',' order by rolname) from pg_roles");
    String backup = backups.takeBackup(new BackupInput(step("pgall", null), "full", null))
        .backupId();
    Map<String, String> live = contents(DB);
    List<String> databases = databases();
    EngineRestoreInput input = restoreInput("pgall", "cl", backup);
    StepResult restored = pgdump.pgDumpRestore(input);
    // the instance's database (postgres, where VerifyCluster connects) is the scratch itself
    assertTrue(restored.detail().contains("cl (database postgres)")
        && restored.detail().contains("cl_shop (database shop)")
        && restored.detail().contains("the cluster's roles are left alone"), restored.detail());
    assertEquals(live, contents("cl_shop"));
    StepResult proof = cluster.proveRestore(input);
    assertTrue(proof.detail().contains("cl_shop: amcheck passed")
        && proof.detail().contains(" in cl: amcheck passed"), proof.detail());
    StepResult removed = cluster.removeScratch(input.step());
    assertTrue(removed.detail().contains("dropped scratch databases cl, cl_shop"),
        removed.detail());
    assertEquals(databases, databases());
    assertEquals(roles, pg.sandbox.sql("select string_agg(rolname, ',' order by rolname) from"
        + " pg_roles"));
    assertEquals(live, contents(DB));
    assertEquals(postmasterStarted, postmasterStart());
  }

  @Test
  @Order(6)
  void aMysqltablesDrillLoadsTheScratchDatabaseProvesItAndRemovesItLeavingTheLiveTablesAlone()
      throws Exception {
    String live = liveChecksums();
    EngineRestoreInput input = restoreInput("m1", SCRATCH, mysqlArchive);

    StepResult restored = mysqltables.mysqlTablesRestore(input);
    assertTrue(restored.detail().contains("into scratch database " + SCRATCH)
        && restored.detail().contains("the live tables were not touched"), restored.detail());
    assertEquals("3000", maria("SELECT COUNT(*) FROM " + SCRATCH + ".acct").strip());
    assertEquals("0", maria("SELECT COUNT(*) FROM " + SCRATCH + ".acct WHERE balance <> 1000")
        .strip(), "the scratch holds the archive's rows, not the live ones");
    mysqltables.mysqlTablesRestore(input);   // a leftover is made anew
    assertTrue(mysqltables.verifyTables(input).detail().contains("in scratch database "
        + SCRATCH));

    StepResult proof = cluster.proveRestore(input);
    assertTrue(proof.detail().contains("2 table(s) acct, items pass CHECK TABLE EXTENDED and"
        + " hold the 3500 rows"), proof.detail());

    maria("DELETE FROM " + SCRATCH + ".items WHERE id = 7");
    ApplicationFailure failure = failure(() -> cluster.proveRestore(input));
    assertEquals(FailureType.VERIFY_FAILED.name(), failure.getType());
    assertTrue(failure.isNonRetryable());
    assertTrue(failure.getOriginalMessage().contains("table items in scratch database "
        + SCRATCH + " has 499 rows"), failure.getOriginalMessage());

    String removed = cluster.removeScratch(input.step()).detail();
    assertTrue(removed.contains("dropped scratch database " + SCRATCH), removed);
    assertTrue(cluster.removeScratch(input.step()).detail().contains("nothing to remove"));
    assertEquals("", mariadb.sql("SHOW DATABASES LIKE '" + SCRATCH + "'").strip());
    assertEquals(live, liveChecksums(), "the live tables are as they were");

    mariadb.sql("CREATE DATABASE taken");
    ApplicationFailure taken = failure(() -> mysqltables.mysqlTablesRestore(
        restoreInput("m1", "taken", mysqlArchive)));
    assertEquals(FailureType.INVALID_REQUEST.name(), taken.getType(),
        taken.getOriginalMessage());
    assertTrue(cluster.removeScratch(step("m1", "taken")).detail().contains("left alone"));
    assertEquals("taken", mariadb.sql("SHOW DATABASES LIKE 'taken'").strip());
    assertEquals(FailureType.INVALID_REQUEST.name(), failure(() -> mysqltables
        .mysqlTablesRestore(restoreInput("m1", DB, mysqlArchive))).getType());
    assertEquals(live, liveChecksums());
  }

  @Test
  @Order(7)
  void aDrillJobOfEachEngineRunsEndToEndAndLeavesTheInstancesAlone() throws Exception {
    Map<String, String> live = contents(DB);
    List<String> databases = databases();
    RestoreResult pgDrill = drill(RestoreRequest.of("pg1").withBackupId(pgBackup));
    assertEquals(JobState.SUCCEEDED, pgDrill.state(), pgDrill.message());
    assertEquals(List.of(Steps.PLAN, PgDumpActivities.RESTORE_STEP, Steps.VERIFY, Steps.PROVE,
        Steps.REMOVE_SCRATCH), pgDrill.steps().stream().map(StepProgress::name).toList());
    assertTrue(detail(pgDrill, Steps.PROVE).contains(SCRATCH + ": amcheck passed"),
        detail(pgDrill, Steps.PROVE));
    assertTrue(detail(pgDrill, Steps.REMOVE_SCRATCH).contains("dropped scratch database "
        + SCRATCH), detail(pgDrill, Steps.REMOVE_SCRATCH));
    assertEquals(databases, databases());
    assertEquals(live, contents(DB));
    assertEquals(postmasterStarted, postmasterStart());

    String liveTables = liveChecksums();
    RestoreResult mysqlDrill = drill(RestoreRequest.of("m1").withBackupId(mysqlArchive));
    assertEquals(JobState.SUCCEEDED, mysqlDrill.state(), mysqlDrill.message());
    assertEquals(List.of(Steps.PLAN, MysqlTablesActivities.RESTORE_STEP,
        MysqlTablesActivities.VERIFY_STEP, Steps.PROVE, Steps.REMOVE_SCRATCH),
        mysqlDrill.steps().stream().map(StepProgress::name).toList());
    assertTrue(detail(mysqlDrill, Steps.PROVE).contains("pass CHECK TABLE EXTENDED"),
        detail(mysqlDrill, Steps.PROVE));
    assertEquals("", mariadb.sql("SHOW DATABASES LIKE '" + SCRATCH + "'").strip());
    assertEquals(liveTables, liveChecksums());
  }

  @Test
  @Order(8)
  void aDrillJobOfADamagedBackupFailsAndLeavesNoScratchBehind() throws Exception {
    Map<String, String> live = contents(DB);
    List<String> databases = databases();
    Path dump = repository.resolve("pg1/pgdump/" + pgBackup + "/dump.pgdump");
    flipMiddleByte(dump);
    try {
      Submission job = temporal.restoreflow.submit(RestoreRequest.of("pg1")
          .withBackupId(pgBackup).withHost(HOST)
          .withInto(new RestoreInto(null, null, SCRATCH)).withDrill(true));
      WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
          () -> temporal.restoreflow.await(job.jobId(), Duration.ofMinutes(3)));
      assertEquals(Optional.of(FailureType.OBJECT_CORRUPT.name()), Failures.typeOf(failed),
          failed.toString());
    } finally {
      flipMiddleByte(dump);
    }
    assertEquals(databases, databases(), "no scratch database is left");
    assertEquals(live, contents(DB));
    assertEquals(postmasterStarted, postmasterStart());
  }

  private RestoreResult drill(RestoreRequest request) throws Exception {
    return temporal.restoreflow.await(temporal.restoreflow.submit(request.withHost(HOST)
        .withInto(new RestoreInto(null, null, SCRATCH)).withDrill(true)).jobId(),
        Duration.ofMinutes(3));
  }

  private static String detail(RestoreResult result, String step) {
    return result.steps().stream().filter(s -> s.name().equals(step)).findFirst().orElseThrow()
        .detail();
  }

  private static StepInput step(String instance, String scratch) {
    return new StepInput("drill-" + instance, instance, HOST, scratch == null ? null
        : new RestoreInto(null, null, scratch));
  }

  private static EngineRestoreInput restoreInput(String instance, String scratch,
      String backupId) {
    return new EngineRestoreInput(step(instance, scratch), backupId, false, null);
  }

  private static ApplicationFailure failure(Executable call) {
    ActivityFailure failed = assertThrows(ActivityFailure.class, call::execute);
    return assertInstanceOf(ApplicationFailure.class, failed.getCause());
  }

  /** Like JUnit's, without its throws clause on the lambda's result. */
  @FunctionalInterface
  private interface Executable {
    void execute();
  }

  /** Every user table of {@code database}: its row count and an MD5 of its rows, sorted. */
  private Map<String, String> contents(String database) throws Exception {
    Map<String, String> contents = new TreeMap<>();
    for (String table : pg.psql(database, "select format('%I.%I', schemaname, tablename) from"
        + " pg_tables where schemaname = 'public'").lines().toList()) {
      contents.put(table, pg.psql(database, "select count(*) || ':' || coalesce(md5(string_agg("
          + "t::text, ',' order by t::text)), '') from " + table + " t").strip());
    }
    return contents;
  }

  private List<String> databases() throws Exception {
    return pg.sandbox.sql("select datname from pg_database order by 1").lines()
        .map(String::strip).toList();
  }

  private String postmasterStart() throws Exception {
    return pg.sandbox.sql("select pg_postmaster_start_time()").strip();
  }

  private String liveChecksums() throws Exception {
    return maria("CHECKSUM TABLE acct, items EXTENDED");
  }

  private String shop(String sql) throws IOException, InterruptedException {
    return pg.psql(DB, sql);
  }

  private String maria(String sql) throws Exception {
    return mariadb.sql("USE " + DB + "; " + sql);
  }

  private static void flipMiddleByte(Path file) throws IOException {
    try (RandomAccessFile open = new RandomAccessFile(file.toFile(), "rw")) {
      open.seek(open.length() / 2);
      int b = open.read();
      open.seek(open.length() / 2);
      open.write(b ^ 0xff);
    }
  }
}
