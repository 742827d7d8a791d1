package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.pgdump.PgDumpActivities;
import dev.restoreflow.activities.pgdump.PgDumpConfig;
import dev.restoreflow.activities.pgdump.PgDumpEngine;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.RetentionRequest;
import dev.restoreflow.workflows.model.RetentionResult;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.client.WorkflowFailedException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
 * The pgdump engine on a real PostgreSQL 15 cluster, database {@code shop}: a chain of a full
 * and five incrementals with every kind of change between them (inserts, updates, deletes,
 * TRUNCATE and refill, VACUUM FULL, a table added and one dropped, ALTER TABLE, a statistics
 * reset), the seventh automatic backup a full by the rule, each backup restored and compared
 * with the source's data at that backup (row counts and an MD5 of every table's sorted rows,
 * computed here, not by the engine), and a damaged dump refused with the database untouched.
 * Then the seed's options on the same cluster: named backups (unique unless --force, a bad name
 * refused with nothing written), a backup kept apart in a directory, and a restore of some
 * tables into the live database. The host worker is a separate process, as in production.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PgDumpIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(3);
  private static final String DB = "shop";

  private ItSandbox main1;
  private ItTemporal temporal;
  private RestoreflowProcess worker;
  private Path repository;
  private Path configFile;
  /** The source's data right after each backup, by backup id, in the order they were taken. */
  private final Map<String, Map<String, String>> atBackup = new LinkedHashMap<>();
  private final List<BackupResult> taken = new ArrayList<>();
  /** The source's data at the replaced backup pre_v2, and at before_v3 (in a directory). */
  private Map<String, String> replacedPreV2;
  private Map<String, String> atBeforeV3;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    repository = main1.stateDir().resolve("pgdump-repo");
    Files.createDirectories(repository);
    main1.sandbox.sql("create database " + DB);
    InstanceConfig instance = CheckedSettings.checked("main1", main1.instance
        .withEngine(PgDumpEngine.NAME).withSettings(new PgDumpConfig("file://" + repository,
            null, null, null, null, null, null, null, null, DB, 1, 2,
            main1.stateDir().resolve("pgdump-staging").toString(), null, null)));
    ItServer server = ItTemporal.startServer();
    Map<String, InstanceConfig> instances = new LinkedHashMap<>();
    instances.put("main1", instance);
    instances.put("ghost", ghost(instance));
    RestoreflowConfig config = new RestoreflowConfig(new TemporalConfig(server.target(),
        "default"), main1.stateDir().resolve("ledger.db").toString(),
        main1.stateDir().resolve("Logs").toString(), Map.of("local",
            new HostConfig(HostConfig.LOCAL)),
        instances, null);
    configFile = BaseBackups.writeConfig(main1, config);
    temporal = ItTemporal.start(server, config, List.of());
    worker = RestoreflowProcess.worker(configFile, "local", main1.stateDir().resolve("worker.log"));
  }

  /** An instance whose database does not exist (its own pgdata and repository, never used). */
  private InstanceConfig ghost(InstanceConfig i) throws IOException {
    Path pgdata = Files.createDirectories(main1.stateDir().resolve("ghost-data"));
    Path ghostRepository = Files.createDirectories(main1.stateDir().resolve("ghost-repo"));
    return CheckedSettings.checked("ghost", new InstanceConfig(i.engine(), i.host(),
        pgdata.toString(), null, null, i.port(), i.osUser(), i.pgBin(), i.serverLog(),
        i.connectHost(), i.database(), i.dbUser(), i.smokeQueries(), i.keepArchiving(),
        i.promote(), i.stopTimeoutSeconds(), i.startTimeoutSeconds(), new PgDumpConfig(
            "file://" + ghostRepository, null, null, null, null, null, null, null, null,
            "nosuchdb", 1, 2, main1.stateDir().resolve("pgdump-staging").toString(), null,
            null), i.restoreHosts()));
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
  void aChainOfAFullAndFiveIncrementalsThenTheRuleMakesTheSeventhAFull() throws Exception {
    shop("create table items (id int primary key, name text not null, price numeric(10,2));"
        + "create table orders (id bigserial primary key, item int references items,"
        + " qty int, at timestamptz default '2026-01-01 00:00+00');"
        + "create table notes (id int, body text);"
        + "create table \"Odd \"\"Name\"\" Table\" (k text);"
        + "insert into items select g, 'item ' || g, g * 1.5 from generate_series(1, 500) g;"
        + "insert into orders (item, qty) select 1 + g % 500, g % 7 from generate_series(1, 3000) g;"
        + "insert into notes select g, repeat('n', g % 50) from generate_series(1, 200) g;"
        + "insert into \"Odd \"\"Name\"\" Table\" values ('a|b'), (E'tab\\there'), (null)");
    backup("full", "no full backup yet", 4);

    shop("insert into orders (item, qty) select 1 + g % 500, 1 from generate_series(1, 100) g");
    backup("incremental", "follow", 1);   // only orders changed

    shop("update items set price = price * 2 where id % 3 = 0; delete from notes where id > 150");
    backup("incremental", "follow", 2);

    shop("truncate notes; insert into notes select g, 'again ' || g from generate_series(1, 10) g");
    shop("vacuum full items");
    backup("incremental", "follow", 1);   // VACUUM FULL rewrites items, its rows stay: not dumped

    shop("create table returns (id int primary key, order_id bigint); insert into returns"
        + " values (1, 5), (2, 6); drop table \"Odd \"\"Name\"\" Table\"");
    backup("incremental", "follow", 1);

    shop("alter table items add column stock int default 7; select pg_stat_reset();"
        + " update orders set qty = qty + 1 where id = 17");
    backup("incremental", "follow", 2);   // the 5th incremental: still within the limit

    shop("insert into returns values (3, 7)");
    BackupResult seventh = backup("full", "6 incrementals would follow", 4);
    assertTrue(detail(seventh, Steps.PLAN_BACKUP).contains("limit 5"), detail(seventh,
        Steps.PLAN_BACKUP));

    InstanceCatalog catalog = temporal.restoreflow.catalog("main1", JOB_LIMIT).instances().get(0);
    assertEquals(PgDumpEngine.NAME, catalog.engine());
    List<String> ids = new ArrayList<>(atBackup.keySet());
    assertEquals(ids, catalog.backups().stream().map(CatalogBackup::id).toList());
    assertEquals(List.of("full", "incremental", "incremental", "incremental", "incremental",
        "incremental", "full"), catalog.backups().stream().map(CatalogBackup::type).toList());
    assertEquals(ids.subList(0, 6), catalog.backups().get(5).chain());
  }

  @Test
  @Order(2)
  void eachBackupOfTheChainRestoresExactlyTheSourcesDataAtThatBackup() throws Exception {
    shop("insert into items values (9999, 'after the last backup', 1)");
    for (Map.Entry<String, Map<String, String>> backup : atBackup.entrySet()) {
      RestoreResult result = restore(backup.getKey());
      assertEquals(JobState.SUCCEEDED, result.state(), result.message());
      assertEquals(List.of(Steps.PLAN, PgDumpActivities.RESTORE_STEP, Steps.VERIFY),
          result.steps().stream().map(StepProgress::name).toList());
      assertEquals(backup.getValue(), contents(), "database " + DB + " after restoring "
          + backup.getKey());
      assertTrue(detail(result, PgDumpActivities.RESTORE_STEP).contains("verified"),
          detail(result, PgDumpActivities.RESTORE_STEP));
    }
    assertTrue(main1.sandbox.sql("select count(*) from pg_database where datname like '"
        + DB + "_before_%'").strip().matches("[1-9][0-9]*"), "the replaced databases are kept");

    // a session on the live database does not stop the swap: it is closed
    InstanceConfig i = main1.instance;
    Process session = new ProcessBuilder("runuser", "-u", i.osUser(), "--", i.pgTool("psql"),
        "-X", "-h", i.connectHost(), "-p", String.valueOf(i.port()), "-d", DB, "-c",
        "select pg_sleep(600)").directory(Path.of("/").toFile()).start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!main1.sandbox.sql("select count(*) from pg_stat_activity where datname = '" + DB
          + "' and query like '%pg_sleep(600)%'").strip().equals("1")) {
        assertTrue(System.nanoTime() < deadline, "the session did not start");
        Thread.sleep(100);
      }
      String last = new ArrayList<>(atBackup.keySet()).get(atBackup.size() - 1);
      RestoreResult result = restore(last);
      assertEquals(JobState.SUCCEEDED, result.state(), result.message());
      assertEquals(atBackup.get(last), contents());
      assertTrue(session.waitFor(30, TimeUnit.SECONDS), "the session on the old database ended");
    } finally {
      session.destroyForcibly();
    }
  }

  @Test
  @Order(3)
  void aDamagedDumpIsRefusedAndTheDatabaseIsLeftAsItWas() throws Exception {
    String last = new ArrayList<>(atBackup.keySet()).get(atBackup.size() - 1);
    Path dump = repository.resolve("main1/pgdump/" + last + "/dump.pgdump");
    flipMiddleByte(dump);
    Map<String, String> before = contents();
    try {
      String damaged = restoreFails(last, "OBJECT_CORRUPT");
      assertTrue(damaged.contains("damaged") && damaged.contains("not replaced"), damaged);
      assertEquals(before, contents());
    } finally {
      flipMiddleByte(dump);   // whole again: the later tests build on this backup
    }

    // a dump cut to half its length in the repository: PlanRestore compares the sizes
    byte[] whole = Files.readAllBytes(dump);
    Files.write(dump, Arrays.copyOf(whole, whole.length / 2));
    try {
      String truncated = restoreFails(last, "OBJECT_CORRUPT");
      assertTrue(truncated.contains("'s dump is " + whole.length / 2 + " bytes, its meta.json"
          + " says " + whole.length), truncated);
      assertEquals(before, contents());
    } finally {
      Files.write(dump, whole);
    }

    // a meta.json whose figures the rebuilt database does not match: refused after the build,
    // which is dropped again
    Path meta = dump.resolveSibling("meta.json");
    String recorded = Files.readString(meta);
    Files.writeString(meta, recorded.replaceFirst("\"rows\" : ([0-9]+)", "\"rows\" : 1$1"));
    try {
      String mismatch = restoreFails(last, "VERIFY_FAILED");
      assertTrue(mismatch.contains("differs from backup " + last)
          && mismatch.contains("not replaced"), mismatch);
      assertEquals(before, contents());
      assertEquals("0", main1.sandbox.sql("select count(*) from pg_database where datname = '"
          + DB + "_restoring'").strip(), "the database the restore was building is dropped");
    } finally {
      Files.writeString(meta, recorded);
    }

    String unknown = restoreFails("20200101T000000Z", "BACKUP_NOT_FOUND");
    assertTrue(unknown.contains("no backup 20200101T000000Z"), unknown);
    assertEquals(before, contents());
  }

  private static void flipMiddleByte(Path file) throws IOException {
    try (RandomAccessFile open = new RandomAccessFile(file.toFile(), "rw")) {
      open.seek(open.length() / 2);
      int b = open.read();
      open.seek(open.length() / 2);
      open.write(b ^ 0xff);
    }
  }

  /**
   * Retention over the chain (all taken today): the day keeps its newest backup, the full
   * category the two fulls; the five incrementals go. The CLI's dry run lists them and deletes
   * nothing; applying deletes exactly that list.
   */
  @Test
  @Order(4)
  void retentionDryRunListsWhatApplyThenDeletes() throws Exception {
    List<String> ids = new ArrayList<>(atBackup.keySet());
    RestoreflowProcess.Output dry = RestoreflowProcess.runApart(JOB_LIMIT, Map.of(),
        "retention", "--config", configFile.toString(), "--instance", "main1", "--dry-run");
    assertEquals(0, dry.exitCode(), dry.stdout() + dry.stderr());
    assertTrue(dry.stdout().contains("would delete 5 of 7 backup(s)"), dry.stdout());
    for (String id : ids.subList(1, 6)) {
      assertTrue(dry.stdout().lines().anyMatch(l -> l.contains("DELETE") && l.contains(id)),
          id + " in " + dry.stdout());
    }
    assertTrue(dry.stdout().lines().anyMatch(l -> l.contains("keep") && l.contains(ids.get(0))
        && l.contains("full 2/3")), dry.stdout());
    assertEquals(ids, catalogIds(), "a dry run deletes nothing");

    RestoreflowProcess.Output json = RestoreflowProcess.runApart(JOB_LIMIT, Map.of(),
        "retention", "--config", configFile.toString(), "--instance", "main1", "--json");
    List<String> planned = new ArrayList<>();
    new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.stdout()).path("report")
        .path("toDelete").forEach(id -> planned.add(id.asText()));
    List<String> incrementals = new ArrayList<>(ids.subList(1, 6));
    java.util.Collections.reverse(incrementals);
    assertEquals(incrementals, planned, "dependents first");

    RestoreflowProcess.Output summary = RestoreflowProcess.runApart(JOB_LIMIT, Map.of(),
        "summary", "--config", configFile.toString(), "--instance", "main1", "--json");
    assertEquals(0, summary.exitCode(), summary.stdout() + summary.stderr());
    com.fasterxml.jackson.databind.JsonNode main1Summary = new com.fasterxml.jackson.databind
        .ObjectMapper().readTree(summary.stdout()).get(0);
    assertEquals(7, main1Summary.path("backups").asInt(), summary.stdout());
    assertEquals(2, main1Summary.path("byCategory").path("FULL").asInt(), summary.stdout());
    assertTrue(main1Summary.path("nextBackup").asText().startsWith("incremental: no incremental"
        + " follows full " + ids.get(6)), summary.stdout());
    List<String> wouldDelete = new ArrayList<>();
    main1Summary.path("retentionWouldDelete").forEach(id -> wouldDelete.add(id.asText()));
    assertEquals(planned, wouldDelete, summary.stdout());
    assertTrue(main1Summary.path("lastRestore").asText().startsWith("job main1-"),
        summary.stdout());

    Submission job = temporal.restoreflow.submitRetention(RetentionRequest.dryRun("main1")
        .applying());
    RetentionResult applied = temporal.restoreflow.awaitRetention(job.jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, applied.state(), applied.message());
    assertEquals(planned, applied.deleted());
    assertEquals(List.of(ids.get(0), ids.get(6)), catalogIds());
    try (Stream<Path> left = Files.list(repository.resolve("main1/pgdump"))) {
      assertEquals(2, left.count(), "the deleted backups' objects are gone");
    }
  }

  private List<String> catalogIds() throws Exception {
    return temporal.restoreflow.catalog("main1", JOB_LIMIT).instances().get(0).backups().stream()
        .map(CatalogBackup::id).toList();
  }

  @Test
  @Order(5)
  void aDatabaseThatDoesNotExistIsAClearErrorAndNothingIsWritten() throws Exception {
    Submission job = temporal.restoreflow.submitBackup(BackupRequest.of("ghost"));
    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> temporal.restoreflow.awaitBackup(job.jobId(), JOB_LIMIT));
    assertEquals(Optional.of("CONFIG_ERROR"), Failures.typeOf(failed), failed.toString());
    String message = temporal.restoreflow.progress(job.jobId()).message();
    assertTrue(message.contains("database nosuchdb does not exist")
        && message.contains("instances.ghost.pgdump.database"), message);
    try (Stream<Path> written = Files.list(main1.stateDir().resolve("ghost-repo"))) {
      assertEquals(0, written.count());
    }
  }

  /**
   * --name: a name with '/' is refused before any job starts (by the CLI, and by the workflow's
   * own check of a request started from the Temporal UI), with nothing written; a name is the
   * backup's id, refused at PlanBackup when it exists unless --force, which replaces it, but
   * never a backup that others build on.
   */
  @Test
  @Order(6)
  void aNamedBackupIsUniqueUnlessForcedAndABadNameWritesNothing() throws Exception {
    List<String> before = repositoryFiles();
    RestoreflowProcess.Output slash = RestoreflowProcess.runApart(JOB_LIMIT, Map.of(), "backup",
        "--config", configFile.toString(), "--instance", "main1", "--name", "../evil");
    assertEquals(2, slash.exitCode(), slash.stdout() + slash.stderr());
    assertTrue(slash.stderr().contains("INVALID_REQUEST: backup name '../evil' is not allowed"),
        slash.stderr());
    RequestRejectedException refused = assertThrows(RequestRejectedException.class,
        () -> temporal.restoreflow.submitBackup(BackupRequest.of("main1").withName("a/b")));
    assertEquals(FailureType.INVALID_REQUEST, refused.type(), refused.getMessage());
    assertEquals(before, repositoryFiles(), "nothing written");

    String parent = new ArrayList<>(atBackup.keySet()).get(atBackup.size() - 1);
    assertEquals("pre_v2", named(BackupRequest.of("main1").withName("pre_v2")).backupId());
    List<String> withPreV2 = repositoryFiles();
    String exists = backupFails(BackupRequest.of("main1").withName("pre_v2"));
    assertTrue(exists.contains("a backup named pre_v2 exists already"), exists);

    shop("insert into notes values (999, 'in the replacement')");
    BackupResult forced = named(BackupRequest.of("main1").withName("pre_v2").withForce(true));
    assertTrue(detail(forced, Steps.PLAN_BACKUP).contains("as pre_v2, replacing the incremental"
        + " backup of that name"), detail(forced, Steps.PLAN_BACKUP));
    replacedPreV2 = contents();
    List<String> replacement = repositoryFiles().stream()
        .filter(f -> f.startsWith("main1/pgdump/pre_v2/")).toList();
    assertEquals(2, replacement.size(), replacement.toString());
    assertTrue(replacement.get(0).matches("main1/pgdump/pre_v2/dump-[0-9]+\\.pgdump"),
        "the old dump is gone: " + replacement);
    assertEquals(withPreV2.size(), repositoryFiles().size());

    String depended = backupFails(BackupRequest.of("main1").withName(parent).withForce(true));
    assertTrue(depended.contains("[pre_v2] build on it"), depended);
  }

  /**
   * --dir: a backup kept apart in a sub-directory of the repository, its own chain (a full
   * there), listed in the catalog with its directory and left alone by retention.
   */
  @Test
  @Order(7)
  void aBackupInADirectoryIsKeptApartListedAndLeftAloneByRetention() throws Exception {
    BackupResult apart = named(BackupRequest.of("main1").withDir("pre-migration")
        .withName("before_v3"));
    assertTrue(detail(apart, Steps.PLAN_BACKUP).startsWith("full dump")
        && detail(apart, Steps.PLAN_BACKUP).contains("(in dir pre-migration)"),
        detail(apart, Steps.PLAN_BACKUP));
    atBeforeV3 = contents();
    assertTrue(Files.exists(repository.resolve(
        "main1/pgdump-dir/pre-migration/before_v3/meta.json")));
    CatalogBackup listed = temporal.restoreflow.catalog("main1", JOB_LIMIT).instances().get(0)
        .backups().stream().filter(b -> b.id().equals("before_v3")).findFirst().orElseThrow();
    assertEquals("pre-migration", listed.dir());
    assertEquals(List.of("before_v3"), listed.chain());

    RetentionResult dryRun = temporal.restoreflow.awaitRetention(temporal.restoreflow
        .submitRetention(RetentionRequest.dryRun("main1")).jobId(), JOB_LIMIT);
    assertTrue(dryRun.report().verdicts().stream().anyMatch(v -> v.backupId().equals(
        "before_v3") && v.keep() && v.reasons().get(0).startsWith("kept apart in dir"
            + " pre-migration")), dryRun.report().toString());
  }

  /**
   * --tables: the named tables of a backup, and only they, replace the live ones in one
   * transaction (a dropped one comes back); their former versions are kept aside.
   */
  @Test
  @Order(8)
  void restoringTablesReplacesExactlyThoseTablesInTheLiveDatabase() throws Exception {
    shop("delete from orders where id % 2 = 0; update orders set qty = 0; drop table notes;"
        + " update items set name = 'changed' where id < 10");
    Map<String, String> damaged = contents();
    RestoreflowProcess.Output cli = RestoreflowProcess.runApart(JOB_LIMIT, Map.of(), "restore",
        "--config", configFile.toString(), "--instance", "main1", "--backup-id", "before_v3",
        "--tables", "orders,public.notes", "--follow", "--yes");
    assertEquals(0, cli.exitCode(), cli.stdout() + cli.stderr());
    assertTrue(cli.stdout().contains("verified 2 table(s)"), cli.stdout());
    Map<String, String> now = contents();
    for (String table : List.of("public.orders", "public.notes")) {
      assertEquals(atBeforeV3.get(table), now.get(table), table + " as at the backup");
    }
    for (String table : List.of("public.items", "public.returns")) {
      assertEquals(damaged.get(table), now.get(table), table + " untouched");
    }
    String aside = main1.psql(DB, "select nspname from pg_namespace where nspname like"
        + " 'restoreflow_before_%'").strip();
    assertTrue(aside.matches("restoreflow_before_[0-9]{8}_[0-9]{6}"), aside);
    assertEquals(damaged.get("public.orders").split(":")[0], shop("select count(*) from "
        + aside + ".orders").strip(), "the former orders are kept");

    // from the replaced incremental: its own notes, and returns from the full it builds on (the
    // incremental's dump has no data of returns)
    shop("delete from returns");
    RestoreResult fromReplaced = temporal.restoreflow.await(temporal.restoreflow.submit(
        RestoreRequest.of("main1").withBackupId("pre_v2").withHost("local")
            .withTables(List.of("notes", "returns"))).jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, fromReplaced.state(), fromReplaced.message());
    assertEquals(replacedPreV2.get("public.notes"), contents().get("public.notes"),
        "the replacement's notes");
    assertEquals(replacedPreV2.get("public.returns"), contents().get("public.returns"));
    assertEquals(2, fromReplaced.plan().chain().size(), "pre_v2 is an incremental");
    assertTrue(fromReplaced.plan().backupMode().endsWith("tables public.notes, public.returns"
        + " into the live database"), fromReplaced.plan().backupMode());
  }

  /** An unknown table, or one that another table's foreign key uses, changes nothing. */
  @Test
  @Order(9)
  void anUnknownTableOrOneOthersHoldOnToIsRefusedAtPlanRestoreAndNothingChanges()
      throws Exception {
    Map<String, String> before = contents();
    String schemas = main1.psql(DB, "select string_agg(nspname, ',' order by nspname)"
        + " from pg_namespace");
    String unknown = restoreFails(RestoreRequest.of("main1").withBackupId("before_v3")
        .withTables(List.of("orders", "nosuch")), "INVALID_REQUEST");
    assertTrue(unknown.contains("table nosuch is not in backup before_v3"), unknown);
    String held = restoreFails(RestoreRequest.of("main1").withBackupId("before_v3")
        .withTables(List.of("items")), "INVALID_REQUEST");
    assertTrue(held.contains("on table orders uses table items"), held);
    assertEquals(before, contents());
    assertEquals(schemas, main1.psql(DB, "select string_agg(nspname, ',' order by nspname)"
        + " from pg_namespace"));
  }

  /** Every object of the repository, relative to it, sorted. */
  private List<String> repositoryFiles() throws IOException {
    try (Stream<Path> files = Files.walk(repository)) {
      return files.filter(Files::isRegularFile).map(f -> repository.relativize(f).toString())
          .sorted().toList();
    }
  }

  private BackupResult named(BackupRequest request) throws Exception {
    BackupResult result = temporal.restoreflow.awaitBackup(temporal.restoreflow.submitBackup(
        request).jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, result.state(), result.message());
    return result;
  }

  /** A backup that must fail as an INVALID_REQUEST at PlanBackup, writing nothing. */
  private String backupFails(BackupRequest request) throws Exception {
    List<String> before = repositoryFiles();
    Submission job = temporal.restoreflow.submitBackup(request);
    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> temporal.restoreflow.awaitBackup(job.jobId(), JOB_LIMIT));
    assertEquals(Optional.of("INVALID_REQUEST"), Failures.typeOf(failed), failed.toString());
    RestoreProgress progress = temporal.restoreflow.progress(job.jobId());
    assertEquals(StepStatus.FAILED, progress.steps().stream().filter(s -> s.name().equals(
        Steps.PLAN_BACKUP)).findFirst().orElseThrow().status(), progress.toString());
    assertEquals(before, repositoryFiles(), "nothing written");
    return progress.message();
  }

  /** A restore that must fail with {@code type}; its message. */
  private String restoreFails(String backupId, String type) throws Exception {
    return restoreFails(RestoreRequest.of("main1").withBackupId(backupId), type);
  }

  private String restoreFails(RestoreRequest request, String type) throws Exception {
    Submission job = temporal.restoreflow.submit(request.withHost("local"));
    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> temporal.restoreflow.await(job.jobId(), JOB_LIMIT));
    assertEquals(Optional.of(type), Failures.typeOf(failed), failed.toString());
    return temporal.restoreflow.progress(job.jobId()).message();
  }

  private BackupResult backup(String type, String reason, int dumpedTables) throws Exception {
    BackupResult result = temporal.restoreflow.awaitBackup(temporal.restoreflow.submitBackup(
        BackupRequest.of("main1")).jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, result.state(), result.message());
    String plan = detail(result, Steps.PLAN_BACKUP);
    assertTrue(plan.startsWith(type + " dump") && plan.contains(reason), plan);
    String take = detail(result, Steps.TAKE_BACKUP);
    assertTrue(take.contains(" " + dumpedTables + " of "), take);
    atBackup.put(result.backupId(), contents());
    taken.add(result);
    return result;
  }

  private RestoreResult restore(String backupId) throws Exception {
    return temporal.restoreflow.await(temporal.restoreflow.submit(RestoreRequest.of("main1")
        .withBackupId(backupId).withHost("local")).jobId(), JOB_LIMIT);
  }

  private static String detail(BackupResult result, String step) {
    return result.steps().stream().filter(s -> s.name().equals(step)).findFirst().orElseThrow()
        .detail();
  }

  private static String detail(RestoreResult result, String step) {
    return result.steps().stream().filter(s -> s.name().equals(step)).findFirst().orElseThrow()
        .detail();
  }

  /** Every user table of the database: its row count and an MD5 of its rows, sorted. */
  private Map<String, String> contents() throws Exception {
    Map<String, String> contents = new TreeMap<>();
    for (String table : shop("select format('%I.%I', schemaname, tablename) from pg_tables"
        + " where schemaname = 'public'").lines().toList()) {
      contents.put(table, shop("select count(*) || ':' || coalesce(md5(string_agg(t::text, ','"
          + " order by t::text)), '') from " + table + " t").strip());
    }
    return contents;
  }

  private String shop(String sql) throws IOException, InterruptedException {
    return main1.psql(DB, sql);
  }

}
