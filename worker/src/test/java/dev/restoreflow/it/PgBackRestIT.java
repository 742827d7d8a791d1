package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.pgbackrest.PgBackRestActivities;
import dev.restoreflow.activities.pgbackrest.PgBackRestConfig;
import dev.restoreflow.activities.pgbackrest.PgBackRestEngine;
import dev.restoreflow.client.RestoreSchedules;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.gateway.SharedToken;
import dev.restoreflow.worker.http.HttpApi;
import dev.restoreflow.workflows.ScheduledBackupWorkflow;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RecoveryTarget;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.ScheduledBackup;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The pgbackrest engine with the real pgBackRest (Debian's 2.45) on a real PostgreSQL 15
 * cluster whose archive_command is pgbackrest archive-push: full, diff and incr backups as
 * backup jobs, the catalog from info --output=json, delta restores of each, a point-in-time
 * restore, a host worker killed (SIGKILL) in the middle of PgBackRestRestore, seed 001's
 * {@code /pgBackRest} paths of the HTTP API, and retention mapped onto {@code expire --set}. The
 * host worker is a separate process (it reads the config file as a user's would); the workflows
 * run in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class PgBackRestIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(3);
  private static final String PGBACKREST = "/usr/bin/pgbackrest";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ItSandbox main1;
  private ItTemporal temporal;
  private Path configFile;
  private Path workerLog;
  private RestoreflowProcess worker;
  /** The HTTP API with seed 001's /pgBackRest paths, on a free port. */
  private HttpApi http;
  private Path control;
  private Path frozen;
  private Path pgbackrestConf;
  /** The data at each backup, by label, in the order they were taken. */
  private final Map<String, Map<String, String>> atBackup = new LinkedHashMap<>();
  private final List<String> labels = new ArrayList<>();

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    main1.sandbox.loadDemoData(2_000);
    Path state = main1.stateDir();
    UserPrincipal owner = Files.getOwner(Path.of(main1.instance.pgdata()));
    Path pgbr = state.resolve("pgbackrest");
    for (String dir : List.of("repo", "log", "lock", "spool")) {
      Files.createDirectories(pgbr.resolve(dir));
      Files.setOwner(pgbr.resolve(dir), owner);
    }
    Path conf = pgbr.resolve("pgbackrest.conf");
    Files.writeString(conf, "[global]\nrepo1-path=" + pgbr.resolve("repo") + "\nlog-path="
        + pgbr.resolve("log") + "\nlock-path=" + pgbr.resolve("lock") + "\nspool-path="
        + pgbr.resolve("spool") + "\nrepo1-retention-full=10\n\n[main1]\npg1-path="
        + main1.instance.pgdata() + "\npg1-port=" + main1.instance.port() + "\npg1-socket-path="
        + state.resolve("run") + "\n");
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
    pgbackrestConf = conf;
    control = writable(state.resolve("bin").resolve("pgbackrest-control"), "");
    frozen = pgbr.resolve("log").resolve("frozen-restore.pid");   // written as the cluster's user
    Path wrapper = freezingWrapper(state.resolve("bin").resolve("pgbackrest-it"));

    InstanceConfig raw = main1.instance.withEngine(PgBackRestEngine.NAME).withSettings(
        new PgBackRestConfig(wrapper.toString(), null, null, conf.toString(), 2, "lz4",
            state.resolve("run").toString()));
    InstanceConfig instance = CheckedSettings.checked("main1", raw);
    main1.sandbox.sql("alter system set archive_command = '" + PGBACKREST + " --config=" + conf
        + " --stanza=main1 archive-push %p'");
    main1.sandbox.sql("select pg_reload_conf()");

    ItServer server = ItTemporal.startServer();
    RestoreflowConfig config = BaseBackups.config(main1, instance, server.target());
    configFile = BaseBackups.writeConfig(main1, config);
    Files.setPosixFilePermissions(configFile, PosixFilePermissions.fromString("rw-r--r--"));
    temporal = ItTemporal.start(server, config, List.of());
    http = HttpApi.start(config.withHttp(config.http().withPort(0)), temporal.restoreflow,
        temporal.ledger, SharedToken.none(), PgBackRestEngine.NAME);
    workerLog = state.resolve("worker-process.log");
    worker = RestoreflowProcess.worker(configFile, "local", workerLog);
  }

  @AfterAll
  void tearDown() throws Exception {
    if (http != null) {
      http.close();
    }
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
  void fullDiffAndIncrBackupJobsAreListedInOrderWithTheirTypes() throws Exception {
    for (String type : List.of("full", "diff", "incr")) {
      changeData(type);
      BackupResult backup = temporal.restoreflow.awaitBackup(temporal.restoreflow.submitBackup(
          BackupRequest.of("main1").withType(type)).jobId(), JOB_LIMIT);
      assertEquals(JobState.SUCCEEDED, backup.state(), backup.message());
      assertTrue(backup.backupId().endsWith(type.substring(0, 1).toUpperCase()), backup.backupId());
      assertEquals(Steps.BACKUP_STEPS, backup.steps().stream().map(StepProgress::name).toList());
      assertTrue(backup.steps().get(0).detail().contains("stanza"), backup.steps().get(0).detail());
      labels.add(backup.backupId());
      atBackup.put(backup.backupId(), main1.sandbox.fingerprint());
    }
    InstanceCatalog catalog = temporal.restoreflow.catalog("main1", JOB_LIMIT).instances().get(0);
    assertEquals(PgBackRestEngine.NAME, catalog.engine());
    assertEquals(labels, catalog.backups().stream().map(CatalogBackup::id).toList());
    assertEquals(List.of("full", "diff", "incr"), catalog.backups().stream()
        .map(CatalogBackup::type).toList());
    assertTrue(catalog.backups().stream().allMatch(b -> b.status().equals(CatalogBackup.OK)));
    CatalogBackup incr = catalog.backups().get(2);
    assertEquals(labels.get(1), incr.parentId());
    assertEquals(labels, incr.chain());
    assertTrue(incr.dataBytes() > 0 && incr.storedBytes() > 0, incr.toString());
    assertTrue(incr.walStart().matches("[0-9A-F]+/[0-9A-F]+"), incr.walStart());
    assertTrue(catalog.walArchivedTo().matches("[0-9A-F]{24}"), catalog.walArchivedTo());

    JsonNode info = JSON.readTree(seedPath("GET", "/pgBackRest/info", "application/json", 200));
    List<String> listed = new ArrayList<>();
    List<String> types = new ArrayList<>();
    info.path("backups").forEach(b -> {
      listed.add(b.path("id").asText());
      types.add(b.path("type").asText());
    });
    assertEquals(labels, listed, "GET /pgBackRest/info: " + info);
    assertEquals(List.of("full", "diff", "incr"), types);
    String page = seedPath("GET", "/pgBackRest/info", "text/html", 200);
    assertTrue(page.indexOf(labels.get(0)) < page.indexOf(labels.get(1))
        && page.indexOf(labels.get(1)) < page.indexOf(labels.get(2)), page);
  }

  /**
   * Backup schedules are engine-blind: `schedule create --type incr` is taken for the instance,
   * and a firing — what the schedule runs each time — is a pgBackRest backup job. The embedded
   * server fires cron workflows only on the minute, so the firing is started here by hand.
   */
  @Test
  @Order(2)
  void aBackupScheduleOfTheInstanceTakesPgBackRestBackups() throws Exception {
    RestoreflowProcess.Output created = RestoreflowProcess.runApart(JOB_LIMIT, Map.of(),
        "schedule", "create", "--config", configFile.toString(), "--name", "hourly", "--kind",
        "backup", "--instance", "main1", "--type", "incr", "--cron", "0 * * * *");
    assertEquals(0, created.exitCode(), created.stdout() + created.stderr());
    try {
      BackupResult fired = temporal.client.newWorkflowStub(ScheduledBackupWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.SERVER)
              .setWorkflowId("hourly-firing-by-hand").build())
          .run(new ScheduledBackup("hourly", BackupRequest.of("main1").withType("incr")
              .withRequestedVia("schedule", "hourly")));
      assertEquals(JobState.SUCCEEDED, fired.state(), fired.message());
      assertTrue(fired.jobId().startsWith("hourly-"), fired.jobId());
      assertTrue(fired.backupId().startsWith(labels.get(0) + "_") && fired.backupId().endsWith("I"),
          "an incr on the full: " + fired.backupId());
    } finally {
      new RestoreSchedules(temporal.client).delete("hourly");
    }
  }

  /** "N files rewritten (1.9 MiB written), K files kept as they were". */
  private static final Pattern DELTA_FIGURES = Pattern.compile(
      "([\\d,]+) files rewritten \\(([\\d.]+) (?:B|KiB|MiB|GiB) written\\), ([\\d,]+) files"
          + " kept");

  @Test
  @Order(3)
  void aDeltaRestoreOfEachBackupGivesBackExactlyItsDataPromotedAndNotArchiving()
      throws Exception {
    changeData("after the backups");
    for (String label : labels) {
      // a default request: pgBackRest's restore is a delta one unless a full one is asked for
      RestoreResult result = restore(RestoreRequest.of("main1").withBackupId(label));
      assertEquals(JobState.SUCCEEDED, result.state());
      assertEquals(atBackup.get(label), main1.sandbox.fingerprint(), "backup " + label);
      assertEquals(List.of(Steps.PLAN, Steps.STOP, Steps.WIPE, PgBackRestActivities.RESTORE_STEP,
          Steps.START, Steps.PROMOTE, Steps.VERIFY), result.steps().stream()
          .map(StepProgress::name).toList());
      assertEquals(StepStatus.SKIPPED, result.steps().get(2).status(), "no WipeData");
      assertEquals(Steps.DELTA_KEEPS_DATA, result.steps().get(2).detail());
      String restored = result.steps().get(3).detail();
      assertTrue(restored.contains("with --delta"), restored);
      Matcher files = DELTA_FIGURES.matcher(restored);
      assertTrue(files.find(), "files written and kept, from pgBackRest's detail lines: "
          + restored);
      assertTrue(Double.parseDouble(files.group(2)) > 0
          && Long.parseLong(files.group(3).replace(",", "")) > 0,
          "the data changed since the backup was written, most files were kept: " + restored);
      assertEquals("f", main1.sandbox.sql("select pg_is_in_recovery()").trim(), "promoted");
      assertEquals("off", main1.sandbox.sql("show archive_mode").trim(),
          "the restored cluster does not archive into the stanza");
      main1.sandbox.sql("insert into transfers (from_id, to_id, amount) values (1, 2, 3)");
    }
  }

  @Test
  @Order(4)
  void aPointInTimeRestoreKeepsTheFirstInsertAndNotTheSecond() throws Exception {
    main1.sandbox.sql("alter system set archive_mode = 'on'");
    main1.sandbox.cluster().stop(false);
    main1.sandbox.cluster().start(() -> false);
    main1.sandbox.sql("create table pitr (step text)");
    String label = temporal.restoreflow.awaitBackup(temporal.restoreflow.submitBackup(
        BackupRequest.of("main1")).jobId(), JOB_LIMIT).backupId();
    assertTrue(label.endsWith("I"), "incr by default: " + label);
    main1.sandbox.sql("insert into pitr values ('first')");
    Thread.sleep(1500);
    String between = main1.sandbox.sql("select to_char(now() at time zone 'UTC',"
        + " 'YYYY-MM-DD HH24:MI:SS.US') || '+00'").trim();
    Thread.sleep(1500);
    main1.sandbox.sql("insert into pitr values ('second')");
    String segment = main1.sandbox.sql("select pg_walfile_name(pg_current_wal_lsn())").trim();
    main1.sandbox.sql("select pg_switch_wal()");
    awaitArchived(segment);

    RestoreResult result = restore(RestoreRequest.of("main1").withIncremental(true)
        .withRecoveryTarget(new RecoveryTarget(between, null, null, null)));
    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals(label, result.backupId(), "the backup that holds the target");
    assertEquals("first", main1.sandbox.sql("select string_agg(step, ',') from pitr").trim());
    assertEquals("f", main1.sandbox.sql("select pg_is_in_recovery()").trim(), "promoted");
    assertEquals("off", main1.sandbox.sql("show archive_mode").trim());
  }

  @Test
  @Order(5)
  void aWorkerKilledDuringTheRestoreIsReplacedAndTheDeltaRestoreGoesOn() throws Exception {
    String full = labels.get(0);
    Files.writeString(control, "freeze");
    // a full restore, asked for: WipeData runs, and the retry after the kill still goes on with
    // --delta over what the dead attempt restored
    Submission job = temporal.restoreflow.submit(RestoreRequest.of("main1").withBackupId(full)
        .withFull(true));
    JobWaits.awaitStep(temporal.restoreflow, job.jobId(), PgBackRestActivities.RESTORE_STEP);
    awaitFile(frozen, Duration.ofSeconds(60));
    worker.kill9();
    assertFalse(worker.isAlive());
    Files.writeString(control, "");
    main1.assertStartRefusedWhileUnfinished(job.jobId());
    assertTrue(Files.exists(Path.of(main1.instance.pgdata(), "backup.manifest")),
        "the restore was cut short mid-way");

    long leftover = Long.parseLong(Files.readString(frozen).strip());
    assertTrue(ProcessHandle.of(leftover).isPresent(), "the dead worker's pgbackrest restore"
        + " is left behind, stopped");

    worker = RestoreflowProcess.worker(configFile, "local", workerLog);
    RestoreResult result = temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, result.state());
    assertFalse(ProcessHandle.of(leftover).isPresent(), "the retry killed the restore the dead"
        + " attempt left");
    assertTrue(main1.unfinishedRestoreMarker().isEmpty(),
        "the finished restore removed its marker");
    assertEquals(atBackup.get(full), main1.sandbox.fingerprint(), "data verified after the kill");
    assertEquals("f", main1.sandbox.sql("select pg_is_in_recovery()").trim(), "promoted");
    assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(), Steps.STOP),
        "StopCluster ran once");
    assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(), Steps.WIPE),
        "WipeData ran once: the retry goes on with --delta");
    List<Integer> restoreAttempts = Histories.attempts(temporal.client, job.workflowId(),
        PgBackRestActivities.RESTORE_STEP);
    assertTrue(restoreAttempts.get(0) >= 2, "PgBackRestRestore was retried: " + restoreAttempts);
    StepProgress restore = result.steps().stream()
        .filter(s -> s.name().equals(PgBackRestActivities.RESTORE_STEP)).findFirst().orElseThrow();
    assertTrue(restore.detail().contains("(attempt "), restore.detail());
    assertTrue(restore.detail().contains(" in the data directory"), restore.detail());
  }

  /** Seed 001's two job paths as its users call them: a backup, then a delta restore, waited for. */
  @Test
  @Order(6)
  void theSeedsBackupAndDeltaRestorePathsRunJobsAndAnswerWithTheirLog() throws Exception {
    String refused = seedPath("POST", "/pgBackRest/backup/incr?wait=true", "application/json", 500);
    assertTrue(refused.contains("WAL_ARCHIVING_BROKEN") || refused.contains("archive_mode is off"),
        "the restores switched archiving off, and a backup says what to do: " + refused);
    main1.sandbox.sql("alter system set archive_mode = 'on'");
    main1.sandbox.cluster().stop(false);
    main1.sandbox.cluster().start(() -> false);
    JsonNode backup = JSON.readTree(seedPath("POST", "/pgBackRest/backup/incr?wait=true",
        "application/json", 200));
    assertEquals("SUCCEEDED", backup.path("job").path("state").asText(), backup.toString());
    assertTrue(backup.path("log").toString().contains("TakeBackup"), backup.toString());
    Map<String, String> atSeedBackup = main1.sandbox.fingerprint();
    changeData("after the seed backup");

    String page = seedPath("GET", "/pgBackRest/restore/delta?wait=true", "text/html", 200);
    assertTrue(page.contains(PgBackRestActivities.RESTORE_STEP), page);
    assertEquals(atSeedBackup, main1.sandbox.fingerprint(), "the delta restore of the newest");
  }

  /**
   * Retention over pgBackRest's own repository (`restoreflow retention`, the CLI as a process):
   * after a diff on the first full, the policy (full 1, no day categories) keeps that full and
   * the diff (the newest good backup, built on the full) and expires every other backup. The
   * dry run expires nothing ({@code pgbackrest info} lists the same sets); --apply expires
   * exactly the dry run's list with {@code expire --set}, dependents first; every set left has
   * all the sets it references, and the newest restores.
   */
  @Test
  @Order(7)
  void retentionExpiresExactlyTheDryRunsListAndKeepsTheNewestWithItsFull() throws Exception {
    main1.sandbox.sql("alter system set archive_mode = 'on'");
    main1.sandbox.cluster().stop(false);
    main1.sandbox.cluster().start(() -> false);
    changeData("before the diff");
    BackupResult diff = temporal.restoreflow.awaitBackup(temporal.restoreflow.submitBackup(
        BackupRequest.of("main1").withType("diff")).jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, diff.state(), diff.message());
    Map<String, String> atDiff = main1.sandbox.fingerprint();
    String full = labels.get(0);
    assertTrue(diff.backupId().startsWith(full + "_"), "a diff on the first full: " + diff);
    List<String> before = pgBackRestSets();
    assertTrue(before.size() >= 6, "the full, its diffs and incrs: " + before);
    List<String> expired = before.stream()
        .filter(label -> !label.equals(full) && !label.equals(diff.backupId())).toList();

    String[] policy = {"--daily", "0", "--weekly", "0", "--monthly", "0", "--full", "1"};
    JsonNode dry = retention("--dry-run", policy);
    assertEquals("PLANNED", dry.path("state").asText(), dry.toString());
    List<String> planned = texts(dry.path("report").path("toDelete"));
    List<String> newestFirst = new ArrayList<>(expired);
    java.util.Collections.reverse(newestFirst);
    assertEquals(newestFirst, planned, "every set but the full and the diff, dependents first");
    Map<String, String> reasons = new LinkedHashMap<>();
    dry.path("report").path("verdicts").forEach(v -> reasons.put(v.path("backupId").asText(),
        (v.path("keep").asBoolean() ? "keep: " : "delete: ") + v.path("reasons")));
    assertTrue(reasons.get(diff.backupId()).startsWith("keep: ")
        && reasons.get(diff.backupId()).contains("newest good backup"), reasons.toString());
    assertEquals("keep: [\"full 1/1\"]", reasons.get(full), reasons.toString());
    assertEquals(before, pgBackRestSets(), "a dry run expires nothing");

    JsonNode applied = retention("--apply", policy);
    assertEquals("SUCCEEDED", applied.path("state").asText(), applied.toString());
    assertEquals(planned, texts(applied.path("deleted")));
    String detail = applied.path("steps").get(1).path("detail").asText();
    assertTrue(detail.contains("expired " + planned.get(0) + " (pgbackrest expire --set)"), detail);
    assertEquals(List.of(full, diff.backupId()), pgBackRestSets(),
        "pgBackRest lists exactly what the dry run kept");
    for (JsonNode set : pgBackRestInfo().path("backup")) {
      for (JsonNode reference : set.path("reference")) {
        assertTrue(List.of(full, diff.backupId()).contains(reference.asText()),
            set.path("label").asText() + " references expired " + reference.asText());
      }
      assertFalse(set.path("error").asBoolean(), set.toString());
    }
    assertTrue(Files.exists(pgbackrestConf.resolveSibling("repo").resolve("backup/main1/"
        + diff.backupId() + "/backup.manifest")));
    for (String label : planned) {
      assertFalse(Files.exists(pgbackrestConf.resolveSibling("repo").resolve("backup/main1/"
          + label)), "pgBackRest removed the expired set's directory: " + label);
    }

    changeData("after the retention");
    RestoreResult restored = restore(RestoreRequest.of("main1"));
    assertEquals(diff.backupId(), restored.backupId(), "the newest is the diff");
    assertEquals(atDiff, main1.sandbox.fingerprint(), "the kept diff restores with its full");
  }

  private JsonNode retention(String mode, String... policy) throws Exception {
    List<String> argv = new ArrayList<>(List.of("retention", "--config", configFile.toString(),
        "--instance", "main1", mode, "--json"));
    argv.addAll(List.of(policy));
    RestoreflowProcess.Output run = RestoreflowProcess.runApart(JOB_LIMIT, Map.of(),
        argv.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
    return JSON.readTree(run.stdout());
  }

  /** {@code pgbackrest info --output=json} of the stanza, run by hand as the cluster's user. */
  private JsonNode pgBackRestInfo() throws Exception {
    Process info = new ProcessBuilder("runuser", "-u", main1.instance.osUser(), "--", PGBACKREST,
        "--config=" + pgbackrestConf, "--stanza=main1", "--output=json", "info")
        .directory(Path.of("/").toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(info.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, info.waitFor(), "pgbackrest info: " + out);
    return JSON.readTree(out).get(0);
  }

  /** The backup sets pgBackRest lists, oldest first. */
  private List<String> pgBackRestSets() throws Exception {
    List<String> sets = new ArrayList<>();
    pgBackRestInfo().path("backup").forEach(b -> sets.add(b.path("label").asText()));
    return sets;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  private String seedPath(String method, String path, String accept, int expected)
      throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + http.port() + path)).header("Accept", accept)
        .timeout(JOB_LIMIT).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(expected, response.statusCode(), method + " " + path + ": " + response.body());
    return response.body();
  }

  private void changeData(String round) {
    main1.sandbox.sql("update accounts set balance = balance + 1 where id % 5 = "
        + (labels.size() % 5) + "; insert into transfers (from_id, to_id, amount) select id,"
        + " id + 1, " + (labels.size() + 1) + " from accounts where id <= 300;"
        + " comment on table accounts is '" + round + "'");
  }

  private RestoreResult restore(RestoreRequest request) throws Exception {
    return temporal.restoreflow.await(temporal.restoreflow.submit(request.withHost("local"))
        .jobId(), JOB_LIMIT);
  }

  private void awaitArchived(String segment) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      String last = main1.sandbox.sql("select coalesce(last_archived_wal, '')"
          + " from pg_stat_archiver").trim();
      if (!last.isEmpty() && last.substring(8).compareTo(segment.substring(8)) >= 0) {
        return;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("WAL segment " + segment + " was not archived within 60 s");
  }

  private static void awaitFile(Path file, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " did not appear within " + limit);
      }
      Thread.sleep(50);
    }
  }

  /**
   * pgbackrest, except that with "freeze" in the control file a restore is stopped (SIGSTOP) as
   * soon as its backup.manifest is in the data directory: a restore cut short mid-way, for the
   * test to kill the worker over. The retry's own pgbackrest runs with the control file empty.
   */
  private Path freezingWrapper(Path wrapper) throws Exception {
    Files.writeString(wrapper, """
        #!/usr/bin/env bash
        is_restore=false; pgdata=
        for a in "$@"; do
          case "$a" in restore) is_restore=true ;; --pg1-path=*) pgdata="${a#--pg1-path=}" ;; esac
        done
        if [ "$(cat '%1$s' 2>/dev/null)" = freeze ] && $is_restore; then
          '%2$s' "$@" &
          pid=$!
          while kill -0 "$pid" 2>/dev/null && [ ! -e "$pgdata/backup.manifest" ]; do sleep 0.01; done
          kill -STOP "$pid"
          echo "$pid" > '%3$s'
          wait "$pid"
          exit $?
        fi
        exec '%2$s' "$@"
        """.formatted(control, PGBACKREST, frozen));
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    return wrapper;
  }

  private static Path writable(Path file, String content) throws Exception {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    return file;
  }
}
