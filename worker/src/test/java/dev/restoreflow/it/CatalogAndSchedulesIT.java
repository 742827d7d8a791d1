package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.probackup.BackupInfo;
import dev.restoreflow.activities.probackup.ProbackupEngine;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.client.RestoreSchedules;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.Workers;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.Catalog;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RetentionResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
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
 * The catalog and backup schedules on real clusters: one config with a pg_probackup instance
 * (the simulator's catalog) and a basebackup instance (s3proxy, WAL archived by wal-push), both on
 * host "local". {@code restoreflow backups} lists both engines' backups, chains and windows (the
 * CLI as a process, and the Java client); {@code restoreflow schedule create --kind backup} fires
 * and makes a backup on the embedded server (cron workflow) and on the temporal CLI's dev server
 * (a Temporal Schedule), where a retention schedule, triggered, deletes what its policy does not
 * keep.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class CatalogAndSchedulesIT {

  private static final String PRO = "pro1";
  private static final String BASE = "base1";
  private static final Duration CLI_LIMIT = Duration.ofMinutes(2);
  private static final Duration FIRING_LIMIT = Duration.ofSeconds(150);
  /** pg_probackup prints times as "2026-11-23 09:15:00+00". */
  private static final DateTimeFormatter PROBACKUP_TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss[XXX][X]").toFormatter();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ItSandbox pro;
  private ItSandbox base;
  private S3Server s3;
  private InstanceConfig baseInstance;
  private ItTemporal temporal;
  private Path configFile;
  private String fullId;
  private String deltaId;
  private List<BackupMeta> baseBackups;
  private String lastArchivedSegment;
  /** The config for the temporal CLI's dev server (from the test that starts it on). */
  private Path devConfig;

  @BeforeAll
  void setUp() throws Exception {
    pro = ItSandbox.create(PRO, "local");
    base = ItSandbox.create(BASE, "local");
    pro.sandbox.loadDemoData(2_000);
    fullId = pro.sandbox.backup("FULL");
    pro.sandbox.sql("update accounts set balance = balance + 1 where id % 5 = 0");
    deltaId = pro.sandbox.backup("DELTA");

    base.sandbox.loadDemoData(2_000);
    s3 = S3Server.start(base.stateDir());
    s3.createBucket("pg-backups");
    baseInstance = base.instance.withEngine(BaseBackupEngine.NAME)
        .withSettings(s3.repository("pg-backups", "catalog-it", "gzip"));
    ItServer server = ItServer.embedded();
    RestoreflowConfig config = config(server.target(), "ledger.db");
    configFile = writeConfig(config, "config.json");
    baseBackups = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      base.sandbox.sql("insert into transfers (from_id, to_id, amount) values (1, 2, " + i + ")");
      baseBackups.add(BaseBackups.backup(configFile, s3, BASE, "gzip"));
    }
    // archiving from here on: each wal-push is a JVM, and a handful of them before the backups
    // cost a minute on a busy machine; one segment shows the archive's reach as well
    archiveWalIntoTheRepository();
    base.sandbox.sql("insert into transfers (from_id, to_id, amount) values (2, 3, 9)");
    lastArchivedSegment = base.sandbox.sql("select pg_walfile_name(pg_current_wal_lsn())").trim();
    base.sandbox.sql("select pg_switch_wal()");
    awaitArchived(lastArchivedSegment);

    Map<String, String> env = s3.environment();
    temporal = ItTemporal.start(server, config, List.of(),
        factory -> Workers.addHost(factory, config, "local", env::get));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (temporal != null) {
      temporal.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (base != null) {
      base.close();
    }
    if (pro != null) {
      pro.close();
    }
  }

  @Test
  @Order(1)
  void theCatalogListsBothEnginesWithTheirChainsAndWindows() throws Exception {
    RestoreflowProcess.Output listed = cli("backups", "--config", configFile.toString(), "--json");
    assertEquals(0, listed.exitCode(), listed.stderr());
    Catalog catalog = JSON.readValue(listed.stdout(), Catalog.class);
    assertEquals(List.of(BASE, PRO), catalog.instances().stream().map(InstanceCatalog::instance)
        .toList(), listed.stdout());

    InstanceCatalog probackup = instance(catalog, PRO);
    assertEquals(ProbackupEngine.NAME, probackup.engine());
    assertEquals(List.of(fullId, deltaId), ids(probackup), "oldest first");
    CatalogBackup full = probackup.backups().get(0);
    CatalogBackup delta = probackup.backups().get(1);
    assertBackup(full, PRO, ProbackupEngine.NAME, "FULL");
    assertBackup(delta, PRO, ProbackupEngine.NAME, "DELTA");
    assertNull(full.parentId());
    assertEquals(List.of(fullId), full.chain());
    assertEquals(fullId, delta.parentId());
    assertEquals(List.of(fullId, deltaId), delta.chain());
    assertEquals(recoveryTime(pro, fullId), probackup.restorableFrom(), "the FULL's recovery time");
    assertEquals(recoveryTime(pro, deltaId), probackup.restorableTo(), "the DELTA's recovery time");
    assertNull(probackup.walArchivedTo(), "no WAL archive in the pg_probackup catalog");
    assertNotNull(probackup.note());

    InstanceCatalog basebackup = instance(catalog, BASE);
    assertEquals(BaseBackupEngine.NAME, basebackup.engine());
    assertEquals(baseBackups.stream().map(BackupMeta::id).toList(), ids(basebackup));
    for (int i = 0; i < baseBackups.size(); i++) {
      BackupMeta meta = baseBackups.get(i);
      CatalogBackup listedBackup = basebackup.backups().get(i);
      assertBackup(listedBackup, BASE, BaseBackupEngine.NAME, BaseBackupEngine.FULL);
      assertNull(listedBackup.parentId());
      assertEquals(List.of(meta.id()), listedBackup.chain());
      assertEquals(Instant.ofEpochMilli(meta.startedAt()).toString(), listedBackup.startTime());
      assertEquals(Instant.ofEpochMilli(meta.finishedAt()).toString(), listedBackup.endTime());
      assertEquals(meta.storedBytes(), listedBackup.storedBytes());
      assertEquals(meta.startLsn(), listedBackup.walStart());
      assertEquals(meta.stopLsn(), listedBackup.walStop());
    }
    assertEquals(Instant.ofEpochMilli(baseBackups.get(0).finishedAt()).toString(),
        basebackup.restorableFrom(), "the oldest backup's end");
    assertEquals(Instant.ofEpochMilli(baseBackups.get(1).finishedAt()).toString(),
        basebackup.restorableTo(), "the newest backup's end");
    assertEquals(lastArchivedSegment, basebackup.walArchivedTo(), "the newest WAL file wal-push"
        + " archived");
    assertTrue(basebackup.note().contains(lastArchivedSegment), basebackup.note());

    assertEquals(catalog, temporal.restoreflow.catalog(null, CLI_LIMIT),
        "the Java client gets what the CLI prints");
  }

  @Test
  @Order(2)
  void oneInstanceAnUnknownOneAndTheTableForPeople() throws Exception {
    Catalog all = temporal.restoreflow.catalog(null, CLI_LIMIT);
    RestoreflowProcess.Output one = cli("backups", "--config", configFile.toString(),
        "--instance", PRO, "--json");
    assertEquals(0, one.exitCode(), one.stderr());
    assertEquals(new Catalog(List.of(instance(all, PRO))),
        JSON.readValue(one.stdout(), Catalog.class));
    for (String name : List.of(PRO, BASE)) {
      assertEquals(new Catalog(List.of(instance(all, name))),
          temporal.restoreflow.catalog(name, CLI_LIMIT));
    }

    RestoreflowProcess.Output unknown = cli("backups", "--config", configFile.toString(),
        "--instance", "nosuch", "--json");
    assertEquals(2, unknown.exitCode(), unknown.stdout() + unknown.stderr());
    assertTrue(unknown.stderr().contains("restoreflow: UNKNOWN_INSTANCE: instance 'nosuch' is not"
        + " configured"), unknown.stderr());
    assertEquals("", unknown.stdout());
    RequestRejectedException rejected = assertThrows(RequestRejectedException.class,
        () -> temporal.restoreflow.catalog("nosuch", CLI_LIMIT));
    assertEquals(FailureType.UNKNOWN_INSTANCE, rejected.type());

    RestoreflowProcess.Output table = cli("backups", "--config", configFile.toString());
    assertEquals(0, table.exitCode(), table.stderr());
    String text = table.stdout();
    InstanceCatalog probackup = instance(all, PRO);
    InstanceCatalog basebackup = instance(all, BASE);
    assertTrue(text.contains("pro1 (probackup): 2 backups; restorable from "
        + probackup.restorableFrom() + " to " + probackup.restorableTo()), text);
    assertTrue(text.contains("base1 (basebackup): 2 backups; restorable from "
        + basebackup.restorableFrom() + " to " + basebackup.restorableTo()), text);
    assertTrue(text.contains(basebackup.note()), text);
    assertTrue(Pattern.compile("(?m)^ +id +type +status +start +end +data +stored +chain$")
        .matcher(text).find(), text);
    assertRow(text, fullId, "FULL", fullId);
    assertRow(text, deltaId, "DELTA", fullId + ">" + deltaId);
    for (BackupMeta meta : baseBackups) {
      assertRow(text, meta.id(), "full", meta.id());
    }
  }

  /** The embedded server has no Schedules: a cron workflow stands in, cron only. */
  @Test
  @Order(3)
  void aBackupScheduleFiresOnTheEmbeddedServer() throws Exception {
    RestoreflowProcess.Output every = cli("schedule", "create", "--config", configFile.toString(),
        "--name", "pro-every", "--kind", "backup", "--instance", PRO, "--type", "DELTA",
        "--every", "30s");
    assertEquals(2, every.exitCode(), every.stdout() + every.stderr());
    assertTrue(every.stderr().contains("no Schedules"), every.stderr());

    Set<String> before = new HashSet<>(ids(temporal.restoreflow.catalog(PRO, CLI_LIMIT)
        .instances().get(0)));
    RestoreflowProcess.Output created = cli("schedule", "create", "--config",
        configFile.toString(), "--name", "pro-cron", "--kind", "backup", "--instance", PRO,
        "--type", "DELTA", "--cron", "* * * * *", "--json");
    assertEquals(0, created.exitCode(), created.stderr());
    JsonNode createdJson = JSON.readTree(created.stdout());
    assertEquals("CRON_WORKFLOW", createdJson.path("kind").asText(), created.stdout());
    assertEquals("scheduled-pro-cron", createdJson.path("id").asText());
    try {
      // the cron's first run is at the server's next whole minute: moved to, not waited for
      EmbeddedClock.skipToNextMinute(temporal.server.target());
      awaitTrue(() -> !scheduledJobs(PRO, "pro-cron", "SUCCEEDED").isEmpty(), FIRING_LIMIT,
          () -> "no scheduled backup succeeded within " + FIRING_LIMIT + " on the embedded server: "
              + scheduledJobs(PRO, "pro-cron", null));
    } finally {
      RestoreflowProcess.Output deleted = cli("schedule", "delete", "--config",
          configFile.toString(), "--name", "pro-cron");
      assertEquals(0, deleted.exitCode(), deleted.stdout() + deleted.stderr());
      assertTrue(deleted.stdout().contains("schedule pro-cron deleted (cron workflow)"),
          deleted.stdout());
    }
    List<String> made = backupsOfFinishedJobs(PRO, "pro-cron", "DELTA");
    InstanceCatalog after = temporal.restoreflow.catalog(PRO, CLI_LIMIT).instances().get(0);
    assertEquals(Set.copyOf(made), newValidBackups(after, before),
        "exactly the succeeded scheduled jobs' backups are new valid backups");
    CatalogBackup first = after.backups().stream().filter(b -> b.id().equals(made.get(0)))
        .findFirst().orElseThrow();
    assertEquals("DELTA", first.type());
    assertEquals(List.of(fullId, deltaId, first.id()), first.chain(), "a DELTA on the newest");
    assertEquals(recoveryTime(pro, made.get(made.size() - 1)), after.restorableTo());
  }

  /**
   * A restore holds host "local" (its worker runs one job step at a time): the catalog still
   * reads both instances of that host, at once, instead of waiting for the step to end.
   */
  @Test
  @Order(4)
  void theCatalogReadsAHostWhileARestoreHoldsIt() throws Exception {
    long listingStarted = System.nanoTime();
    Catalog before = temporal.restoreflow.catalog(null, CLI_LIMIT);
    long listingMillis = (System.nanoTime() - listingStarted) / 1_000_000;
    // ~1000 files: the restore takes at least 10 s and five times what a listing took here,
    // up to 30 s (what it always took before: most of this test's time)
    int millisPerFile = (int) Math.min(30, Math.max(10, listingMillis * 5 / 1000));
    pro.throttleRestores(millisPerFile);
    try {
      Submission restore = temporal.restoreflow.submit(RestoreRequest.of(PRO).withHost("local"));
      JobWaits.awaitStep(temporal.restoreflow, restore.jobId(), ProbackupActivities.RESTORE_STEP);
      awaitTrue(() -> restoreRuns(pro), Duration.ofSeconds(60),
          () -> "pg_probackup restore did not start");
      long started = System.nanoTime();
      Catalog during = temporal.restoreflow.catalog(null, CLI_LIMIT);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      RestoreProgress progress = temporal.restoreflow.progress(restore.jobId());
      assertEquals(ProbackupActivities.RESTORE_STEP, progress.currentStep(),
          "the restore (" + millisPerFile + " ms a file) still holds the host after the listing ("
              + took + "): " + progress);
      assertEquals(before, during, "listed while the restore ran (" + took + ")");
      assertEquals(JobState.SUCCEEDED,
          temporal.restoreflow.await(restore.jobId(), Duration.ofMinutes(4)).state());
    } finally {
      pro.throttleRestores(0);
    }
  }

  private static boolean restoreRuns(ItSandbox sandbox) {
    try {
      return sandbox.recordedInvocations().stream().anyMatch(argv -> argv.startsWith("restore "));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The temporal CLI's dev server has Schedules: a Temporal Schedule, fired and triggered. */
  @Test
  @Order(5)
  void aBackupScheduleFiresAndIsTriggeredOnTheDevServer() throws Exception {
    temporal.close();
    temporal = null;
    ItServer server = ItServer.temporalCli(base.stateDir().resolve("temporal"));
    RestoreflowConfig config = config(server.target(), "ledger-dev.db");
    devConfig = writeConfig(config, "config-dev.json");
    Map<String, String> env = s3.environment();
    temporal = ItTemporal.start(server, config, List.of(),
        factory -> Workers.addHost(factory, config, "local", env::get));

    InstanceCatalog start = temporal.restoreflow.catalog(BASE, CLI_LIMIT).instances().get(0);
    Set<String> before = new HashSet<>(ids(start));
    RestoreflowProcess.Output created = cli("schedule", "create", "--config", devConfig.toString(),
        "--name", "base-every", "--kind", "backup", "--instance", BASE, "--type", "full",
        "--every", "30s", "--json");
    assertEquals(0, created.exitCode(), created.stderr());
    JsonNode createdJson = JSON.readTree(created.stdout());
    assertEquals("TEMPORAL_SCHEDULE", createdJson.path("kind").asText(), created.stdout());
    assertEquals("restoreflow-base-every", createdJson.path("id").asText());
    RestoreSchedules schedules = new RestoreSchedules(temporal.client);
    try {
      awaitTrue(() -> !scheduledJobs(BASE, "base-every", "SUCCEEDED").isEmpty(), FIRING_LIMIT,
          () -> "no scheduled backup succeeded within " + FIRING_LIMIT + " on the dev server: "
              + scheduledJobs(BASE, "base-every", null));
      awaitTrue(() -> schedules.list().contains("base-every"), Duration.ofSeconds(60),
          () -> "the server does not list base-every: " + schedules.list());
      assertTrue(listedSchedules(devConfig).contains("base-every"), "schedule list shows it");
      RestoreflowProcess.Output triggered = cli("schedule", "trigger", "--config",
          devConfig.toString(), "--name", "base-every");
      assertEquals(0, triggered.exitCode(), triggered.stdout() + triggered.stderr());
      assertTrue(triggered.stdout().contains("schedule base-every fired"), triggered.stdout());
      awaitTrue(() -> scheduledJobs(BASE, "base-every", "SUCCEEDED").size() >= 2, FIRING_LIMIT,
          () -> "no second scheduled backup (trigger) within " + FIRING_LIMIT + ": "
              + scheduledJobs(BASE, "base-every", null));
    } finally {
      RestoreflowProcess.Output deleted = cli("schedule", "delete", "--config",
          devConfig.toString(), "--name", "base-every");
      assertEquals(0, deleted.exitCode(), deleted.stdout() + deleted.stderr());
      assertTrue(deleted.stdout().contains("schedule base-every deleted (Temporal Schedule)"),
          deleted.stdout());
    }
    awaitTrue(() -> !schedules.list().contains("base-every"), Duration.ofSeconds(60),
        () -> "still listed after the delete: " + schedules.list());
    List<String> made = backupsOfFinishedJobs(BASE, "base-every", BaseBackupEngine.FULL);
    assertTrue(made.size() >= 2, made.toString());
    InstanceCatalog after = temporal.restoreflow.catalog(BASE, CLI_LIMIT).instances().get(0);
    assertEquals(Set.copyOf(made), newValidBackups(after, before),
        "exactly the succeeded scheduled jobs' backups are new valid backups");
    for (String id : made) {
      CatalogBackup backup = after.backups().stream().filter(b -> b.id().equals(id)).findFirst()
          .orElseThrow();
      assertBackup(backup, BASE, BaseBackupEngine.NAME, BaseBackupEngine.FULL);
      assertEquals(List.of(id), backup.chain());
    }
    assertEquals(start.restorableFrom(), after.restorableFrom(), "the oldest backup is unchanged");
    CatalogBackup newest = after.backups().get(after.backups().size() - 1);
    assertEquals(made.stream().sorted().reduce((a, b) -> b).orElseThrow(), newest.id());
    assertEquals(newest.endTime(), after.restorableTo());
    assertTrue(after.walArchivedTo().compareTo(start.walArchivedTo()) >= 0,
        after.walArchivedTo() + " after " + start.walArchivedTo());
  }

  /**
   * A retention schedule on the dev server (a Temporal Schedule whose time is far off, fired by
   * `schedule trigger`): the firing is a retention job of the schedule (RequestedVia=schedule)
   * that applies the schedule's counts: full 2 keeps the two newest basebackups and deletes the
   * older ones.
   */
  @Test
  @Order(6)
  void aRetentionScheduleTriggeredOnTheDevServerDeletesWhatItsPolicyDoesNotKeep()
      throws Exception {
    List<String> before = ids(temporal.restoreflow.catalog(BASE, CLI_LIMIT).instances().get(0));
    assertTrue(before.size() >= 4, "the backups of the earlier tests: " + before);
    RestoreflowProcess.Output created = cli("schedule", "create", "--config",
        devConfig.toString(), "--name", "base-tidy", "--kind", "retention", "--instance", BASE,
        "--daily", "0", "--weekly", "0", "--monthly", "0", "--full", "2", "--cron", "0 3 1 1 *");
    assertEquals(0, created.exitCode(), created.stdout() + created.stderr());
    assertTrue(created.stdout().contains("schedule base-tidy: retention (daily 0, weekly 0,"
        + " monthly 0, full 2) of " + BASE), created.stdout());
    try {
      RestoreflowProcess.Output triggered = cli("schedule", "trigger", "--config",
          devConfig.toString(), "--name", "base-tidy");
      assertEquals(0, triggered.exitCode(), triggered.stdout() + triggered.stderr());
      awaitTrue(() -> !scheduledJobs(BASE, "base-tidy", "SUCCEEDED").isEmpty(), FIRING_LIMIT,
          () -> "no scheduled retention succeeded within " + FIRING_LIMIT + ": "
              + scheduledJobs(BASE, "base-tidy", null));
    } finally {
      RestoreflowProcess.Output deleted = cli("schedule", "delete", "--config",
          devConfig.toString(), "--name", "base-tidy");
      assertEquals(0, deleted.exitCode(), deleted.stdout() + deleted.stderr());
    }
    JobRow job = scheduledJobs(BASE, "base-tidy", "SUCCEEDED").get(0);
    assertEquals(QueueEntry.RETENTION, job.kind(), job.toString());
    RetentionResult result = temporal.restoreflow.awaitRetention(job.jobId(), CLI_LIMIT);
    assertTrue(result.applied(), result.toString());
    assertEquals(Set.copyOf(before.subList(0, before.size() - 2)), Set.copyOf(result.deleted()),
        result.toString());
    assertEquals(before.subList(before.size() - 2, before.size()),
        ids(temporal.restoreflow.catalog(BASE, CLI_LIMIT).instances().get(0)),
        "the two newest are left");
  }

  // --- the clusters and the config ----------------------------------------------------------

  private RestoreflowConfig config(String temporalTarget, String ledgerName) {
    Map<String, InstanceConfig> instances = new LinkedHashMap<>();
    instances.put(PRO, pro.instance);
    instances.put(BASE, baseInstance);
    return new RestoreflowConfig(new TemporalConfig(temporalTarget, "default"),
        pro.stateDir().resolve(ledgerName).toString(), pro.stateDir().resolve("Logs").toString(),
        Map.of("local", new HostConfig(HostConfig.LOCAL)), instances, null);
  }

  /** In the basebackup sandbox's directory, readable by its cluster's user (wal-push reads it). */
  private Path writeConfig(RestoreflowConfig config, String name) throws Exception {
    Path file = RestoreflowProcess.writeConfig(config, base.stateDir().resolve(name));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    return file;
  }

  /** archive_command = a script (mode 0700, the cluster's user) that runs restoreflow wal-push. */
  private void archiveWalIntoTheRepository() throws Exception {
    Path bin = base.stateDir().resolve("bin");
    Path script = bin.resolve("archive-wal");
    // the cluster's user cannot read the build's classpath under /root: a copy of the jar
    Path jar = bin.resolve("restoreflow.jar");
    Files.copy(Path.of("target", "restoreflow.jar"), jar, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    StringBuilder env = new StringBuilder();
    s3.environment().forEach((k, v) -> env.append("export ").append(k).append("='").append(v)
        .append("'\n"));
    Files.writeString(script, "#!/bin/sh\n" + env + "exec '" + java + "' -jar '" + jar
        + "' wal-push --config '" + configFile + "' --instance " + BASE + " \"$1\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Files.setOwner(script, Files.getOwner(Path.of(base.instance.pgdata())));
    // the sandbox runs with archive_mode = on (archive_command /bin/true): a reload is enough
    base.sandbox.sql("alter system set archive_command = '" + script + " %p'");
    base.sandbox.sql("select pg_reload_conf()");
  }

  private void awaitArchived(String segment) throws Exception {
    awaitTrue(() -> {
      String last = base.sandbox.sql("select coalesce(last_archived_wal, '')"
          + " from pg_stat_archiver").trim();
      return last.length() >= 24 && last.substring(0, 24).compareTo(segment) >= 0;
    }, Duration.ofSeconds(90), () -> "WAL segment " + segment + " was not archived within 90 s: "
        + base.sandbox.sql("select last_failed_wal || ' ' || failed_count from pg_stat_archiver"));
  }

  /** The recovery time pg_probackup shows for a backup, as the catalog's ISO-8601 instant. */
  private static String recoveryTime(ItSandbox sandbox, String backupId) {
    BackupInfo backup = sandbox.sandbox.backups().stream().filter(b -> b.id().equals(backupId))
        .findFirst().orElseThrow(() -> new AssertionError("no backup " + backupId));
    return OffsetDateTime.parse(backup.recoveryTime(), PROBACKUP_TIME).toInstant().toString();
  }

  // --- jobs, schedules, catalog entries -----------------------------------------------------

  private RestoreflowProcess.Output cli(String... args) throws Exception {
    return RestoreflowProcess.runApart(CLI_LIMIT, Map.of(), args);
  }

  private List<String> listedSchedules(Path config) {
    try {
      RestoreflowProcess.Output listed = cli("schedule", "list", "--config", config.toString(),
          "--json");
      assertEquals(0, listed.exitCode(), listed.stderr());
      List<String> names = new ArrayList<>();
      JSON.readTree(listed.stdout()).path("schedules").forEach(n -> names.add(n.asText()));
      return names;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Backup jobs the schedule started (job id {@code <schedule>-<time>}), newest first. */
  private List<JobRow> scheduledJobs(String instance, String schedule, String status) {
    return temporal.ledger.jobs(instance, status, 100).stream()
        .filter(job -> job.jobId().startsWith(schedule + "-"))
        .filter(job -> "schedule".equals(job.requestedVia()))
        .toList();
  }

  /**
   * Waits for every job of the schedule to end; returns the backups of those that succeeded,
   * oldest first, each checked to be a backup job of {@code type}.
   */
  private List<String> backupsOfFinishedJobs(String instance, String schedule, String type)
      throws Exception {
    awaitTrue(() -> scheduledJobs(instance, schedule, null).stream()
            .allMatch(job -> job.finishedAt() > 0), Duration.ofSeconds(90),
        () -> "a scheduled job that started before the delete ends: "
            + scheduledJobs(instance, schedule, null));
    List<JobRow> oldestFirst = new ArrayList<>(scheduledJobs(instance, schedule, null));
    java.util.Collections.reverse(oldestFirst);
    List<String> backups = new ArrayList<>();
    for (JobRow job : oldestFirst) {
      assertEquals(QueueEntry.BACKUP, job.kind(), job.toString());
      if (!JobState.SUCCEEDED.name().equals(job.status())) {
        continue;
      }
      BackupResult result = temporal.restoreflow.awaitBackup(job.jobId(), Duration.ofMinutes(1));
      assertEquals(JobState.SUCCEEDED, result.state());
      assertEquals(type, result.type(), result.toString());
      assertNotNull(result.backupId(), result.toString());
      backups.add(result.backupId());
    }
    return backups;
  }

  private static Set<String> newValidBackups(InstanceCatalog catalog, Set<String> before) {
    Set<String> fresh = new HashSet<>();
    for (CatalogBackup b : catalog.backups()) {
      if (!before.contains(b.id()) && CatalogBackup.OK.equals(b.status())) {
        fresh.add(b.id());
      }
    }
    return fresh;
  }

  private static InstanceCatalog instance(Catalog catalog, String name) {
    return catalog.instances().stream().filter(i -> i.instance().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + catalog));
  }

  private static List<String> ids(InstanceCatalog instance) {
    return instance.backups().stream().map(CatalogBackup::id).toList();
  }

  private static void assertBackup(CatalogBackup backup, String instance, String engine,
      String type) {
    assertEquals(instance, backup.instance(), backup.toString());
    assertEquals(engine, backup.engine(), backup.toString());
    assertEquals(type, backup.type(), backup.toString());
    assertEquals(CatalogBackup.OK, backup.status(), backup.toString());
    assertTrue(backup.dataBytes() > 0, "data size: " + backup);
    assertTrue(backup.storedBytes() > 0, "stored size: " + backup);
    Instant start = Instant.parse(backup.startTime());
    Instant end = Instant.parse(backup.endTime());
    assertFalse(end.isBefore(start), backup.toString());
    assertNotNull(backup.walStart(), backup.toString());
    assertNotNull(backup.walStop(), backup.toString());
  }

  /** A table row: id, type, status OK, ..., the chain last. */
  private static void assertRow(String table, String id, String type, String chain) {
    Pattern row = Pattern.compile("(?m)^ +" + Pattern.quote(id) + " +" + Pattern.quote(type)
        + " +OK +\\S+ +\\S+ +.+ +" + Pattern.quote(chain) + "$");
    assertTrue(row.matcher(table).find(), "no row " + id + " " + type + " OK ... " + chain
        + " in:\n" + table);
  }

  private static void awaitTrue(BooleanSupplier condition, Duration limit,
      java.util.function.Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      Thread.sleep(500);
    }
  }
}
