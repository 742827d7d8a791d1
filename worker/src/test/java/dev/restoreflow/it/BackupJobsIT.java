package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BaseBackupCatalog;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.basebackup.BaseBackupLayout;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.probackup.BackupInfo;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import dev.restoreflow.activities.storage.StoredObject;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Backup jobs on real clusters, for both engines: pg_probackup (the simulator's catalog) on host
 * pbhost and basebackup (s3proxy) on host bbhost, each host served by a {@code restoreflow worker}
 * process of its own so that a test can SIGKILL it. Each new backup is restored and its data
 * verified; a worker killed during TakeBackup leaves exactly one new valid backup; a backup and a
 * restore of one host take turns; retention deletes from each engine's own repository exactly
 * what its dry run listed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BackupJobsIT {

  private static final String PB = "pb1";
  private static final String BB = "bb1";
  private static final String PB_HOST = "pbhost";
  private static final String BB_HOST = "bbhost";
  private static final String BUCKET = "pg-backups";
  private static final Duration JOB_LIMIT = Duration.ofMinutes(3);
  /** How long a throttled first attempt of TakeBackup should copy: the kill lands inside it. */
  private static final int THROTTLED_BACKUP_SECONDS = 12;

  private ItSandbox pb;
  private ItSandbox bb;
  private S3Server s3;
  private CountingProxy s3Proxy;
  private BaseBackupConfig repository;
  private ItTemporal temporal;
  private Path configFile;
  private Path workerLog;
  private final Map<String, RestoreflowProcess> workers = new HashMap<>();

  @BeforeAll
  void setUp() throws Exception {
    pb = ItSandbox.create(PB, PB_HOST);
    bb = ItSandbox.create(BB, BB_HOST);
    pb.sandbox.loadDemoData(5_000);
    bb.sandbox.loadDemoData(5_000);
    s3 = S3Server.start(bb.stateDir());
    s3.createBucket(BUCKET);
    repository = s3.repository(BUCKET, "backup-jobs-it", "gzip");
    s3Proxy = new CountingProxy(java.net.URI.create(s3.endpoint).getPort(), 0);
    InstanceConfig basebackup = bb.instance.withEngine(BaseBackupEngine.NAME)
        .withSettings(throughProxy(repository, s3Proxy.endpoint()));

    ItServer server = ItTemporal.startServer();
    Path ledger = pb.stateDir().resolve("ledger.db");
    Map<String, HostConfig> hosts = new LinkedHashMap<>();
    hosts.put(PB_HOST, new HostConfig(HostConfig.LOCAL));
    hosts.put(BB_HOST, new HostConfig(HostConfig.LOCAL));
    Map<String, InstanceConfig> instances = new LinkedHashMap<>();
    instances.put(PB, pb.instance);
    instances.put(BB, basebackup);
    RestoreflowConfig config = new RestoreflowConfig(new TemporalConfig(server.target(), "default"),
        ledger.toString(), pb.stateDir().resolve("Logs").toString(), hosts, instances, null);
    configFile = RestoreflowProcess.writeConfig(config, pb.stateDir().resolve("config.json"));
    workerLog = pb.stateDir().resolve("worker-processes.log");
    temporal = ItTemporal.start(server, config, List.of());
    startWorker(PB_HOST);
    startWorker(BB_HOST);
  }

  @AfterAll
  void tearDown() throws Exception {
    for (RestoreflowProcess worker : workers.values()) {
      worker.close();
    }
    if (temporal != null) {
      temporal.close();
    }
    if (s3Proxy != null) {
      s3Proxy.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (pb != null) {
      pb.close();
    }
    if (bb != null) {
      bb.close();
    }
  }

  @Test
  @Order(1)
  void probackupFullAndDeltaJobsEachRestoreExactlyTheDataOfTheirTime() throws Exception {
    Set<String> before = validProbackups();
    BackupResult full = backup(BackupRequest.of(PB).withType("FULL")
        .withRequestedVia("api", "BackupJobsIT"));
    assertEquals(JobState.SUCCEEDED, full.state());
    assertEquals("FULL", full.type());
    assertFalse(before.contains(full.backupId()), "a new backup: " + full.backupId());
    assertEquals(List.of(Steps.PLAN_BACKUP, Steps.TAKE_BACKUP, Steps.VERIFY_BACKUP),
        full.steps().stream().map(StepProgress::name).toList());
    Map<String, String> atFull = pb.sandbox.fingerprint();

    pb.sandbox.sql("update accounts set balance = balance + 1 where id % 3 = 0;"
        + " insert into transfers (from_id, to_id, amount) select id, id + 1, 7 from accounts"
        + " where id <= 300");
    RestoreflowProcess.Finished cli = RestoreflowProcess.run(JOB_LIMIT, Map.of(), "backup",
        "--config", configFile.toString(), "--instance", PB, "--type", "DELTA", "--follow",
        "--json");
    assertEquals(0, cli.exitCode(), cli.output());
    JsonNode followed = lastJson(cli.output());
    assertEquals("SUCCEEDED", followed.path("progress").path("state").asText(), cli.output());
    String delta = followed.path("progress").path("backupId").asText();
    assertEquals(followed.path("submission").path("jobId").asText(),
        followed.path("progress").path("jobId").asText());
    Map<String, String> atDelta = pb.sandbox.fingerprint();
    assertFalse(atDelta.equals(atFull), "the data changed between the backups");

    BackupInfo deltaInfo = probackup(delta);
    assertEquals("DELTA", deltaInfo.backupMode());
    assertEquals("OK", deltaInfo.status());
    assertEquals(full.backupId(), deltaInfo.parentBackupId(), "the DELTA builds on the FULL");
    Set<String> now = validProbackups();
    now.removeAll(before);
    assertEquals(Set.of(full.backupId(), delta), now, "two new valid backups, no more");

    pb.sandbox.sql("truncate transfers; delete from accounts where id > 100");
    RestoreResult fromFull = restore(RestoreRequest.of(PB).withHost(PB_HOST)
        .withBackupId(full.backupId()));
    assertEquals(JobState.SUCCEEDED, fromFull.state());
    assertEquals(full.backupId(), fromFull.backupId());
    assertEquals(atFull, pb.sandbox.fingerprint(),
        "the FULL job's backup holds the data of its time");

    pb.sandbox.sql("truncate transfers");
    RestoreResult fromDelta = restore(RestoreRequest.of(PB).withHost(PB_HOST).withBackupId(delta));
    assertEquals(JobState.SUCCEEDED, fromDelta.state());
    assertEquals(delta, fromDelta.backupId());
    assertEquals(atDelta, pb.sandbox.fingerprint(), "the DELTA job's backup (with its FULL)");
  }

  @Test
  @Order(2)
  void aBasebackupJobRestoresExactlyTheDataOfItsTime() throws Exception {
    Set<String> before = validBasebackups();
    bb.sandbox.sql("update accounts set balance = balance * 2 where id % 5 = 0");
    BackupResult job = backup(BackupRequest.of(BB).withCompression("zstd"));
    assertEquals(JobState.SUCCEEDED, job.state());
    assertEquals(BaseBackupEngine.FULL, job.type());
    Map<String, String> atBackup = bb.sandbox.fingerprint();
    Set<String> now = validBasebackups();
    now.removeAll(before);
    assertEquals(Set.of(job.backupId()), now, "one new backup, with its backup.json");
    assertEquals("zstd", basebackup(job.backupId()).compression(), "the request's compression");

    bb.sandbox.sql("drop table transfers; delete from accounts where id > 10");
    RestoreResult restored = restore(RestoreRequest.of(BB).withHost(BB_HOST)
        .withBackupId(job.backupId()));
    assertEquals(JobState.SUCCEEDED, restored.state());
    assertEquals(job.backupId(), restored.backupId());
    assertEquals(atBackup, bb.sandbox.fingerprint(), "the job's backup holds the data of its time");
  }

  @Test
  @Order(3)
  void aBackupWaitsInTheHostQueueWhileARestoreOfTheHostRunsAndRunsAfterIt() throws Exception {
    pb.sandbox.backup("FULL");
    Submission restore = temporal.restoreflow.submit(RestoreRequest.of(PB).withHost(PB_HOST));
    awaitRunning(restore.jobId());
    Submission backup = temporal.restoreflow.submitBackup(BackupRequest.of(PB).withType("FULL"));

    QueueState queue = awaitWaiting(PB_HOST, backup.jobId());
    assertEquals(restore.jobId(), queue.running().jobId(), "the restore holds the host");
    assertEquals(QueueEntry.RESTORE, queue.running().kind());
    QueueEntry waiting = queue.waiting().stream()
        .filter(e -> e.jobId().equals(backup.jobId())).findFirst().orElseThrow();
    assertEquals(QueueEntry.BACKUP, waiting.kind());
    assertEquals(JobState.QUEUED, temporal.restoreflow.progress(backup.jobId()).state());
    assertEquals(JobState.RUNNING, temporal.restoreflow.progress(restore.jobId()).state(),
        "the restore still runs");

    assertEquals(JobState.SUCCEEDED,
        temporal.restoreflow.await(restore.jobId(), JOB_LIMIT).state());
    BackupResult taken = temporal.restoreflow.awaitBackup(backup.jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, taken.state());
    long restoreEnded = lastActivityEnd(restore.workflowId());
    long backupStarted = firstActivityScheduled(backup.workflowId());
    assertTrue(backupStarted >= restoreEnded, "the backup's first step (" + backupStarted
        + ") came after the restore's last (" + restoreEnded + ")");
  }

  @Test
  @Order(4)
  void aProbackupWorkerKilledDuringTakeBackupEndsInExactlyOneNewValidBackup() throws Exception {
    Set<String> before = validProbackups();
    throttleBackupOf(pb);
    Submission job = temporal.restoreflow.submitBackup(BackupRequest.of(PB).withType("FULL"));
    JobWaits.awaitStepUnderWay(temporal.restoreflow, job.jobId(), Steps.TAKE_BACKUP, 3);
    assertTrue(copying(pb.instance.port()), "pg_probackup's pg_basebackup copies");
    assertTrue(pb.sandbox.backups().stream().anyMatch(b -> "RUNNING".equals(b.status())),
        "pg_probackup is taking the backup: " + pb.sandbox.backups());
    killWorkerDuringTakeBackup(PB_HOST, job);
    pb.throttleBackups(0);
    startWorker(PB_HOST);

    BackupResult result = temporal.restoreflow.awaitBackup(job.jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, result.state());
    Set<String> now = validProbackups();
    now.removeAll(before);
    assertEquals(Set.of(result.backupId()), now, "exactly one new valid backup");
    List<BackupInfo> catalog = pb.sandbox.backups();
    assertTrue(catalog.stream().noneMatch(b -> "RUNNING".equals(b.status())),
        "no backup left RUNNING: " + catalog);
    assertFalse(copying(pb.instance.port()), "no pg_basebackup of the cluster is left");
    assertAfterTheCrash(job, result, PB);
  }

  @Test
  @Order(5)
  void aBasebackupWorkerKilledDuringTheUploadEndsInExactlyOneNewValidBackupAndNoLeftovers()
      throws Exception {
    Set<String> before = validBasebackups();
    // uncompressed, the tarball (about 40 MB) is uploaded in parts: slowly, through the proxy
    s3Proxy.setUploadRate(2 << 20);
    Submission job = temporal.restoreflow.submitBackup(
        BackupRequest.of(BB).withCompression("none"));
    JobWaits.awaitStep(temporal.restoreflow, job.jobId(), Steps.TAKE_BACKUP);
    awaitUnfinishedUpload();
    killWorkerDuringTakeBackup(BB_HOST, job);
    s3Proxy.setUploadRate(0);
    startWorker(BB_HOST);

    BackupResult result = temporal.restoreflow.awaitBackup(job.jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, result.state());
    Set<String> now = validBasebackups();
    now.removeAll(before);
    assertEquals(Set.of(result.backupId()), now, "exactly one new valid backup");
    assertEquals(Set.of(), incompleteBasebackups(), "no object of the killed attempt is left");
    assertEquals(List.of(), s3.unfinishedUploads(BUCKET),
        "the killed attempt's upload is aborted, its parts gone");
    assertAfterTheCrash(job, result, BB);
  }

  // ------------------------------------------------------------------------------ retention

  /** A policy that keeps no day category: what stays is decided by the rules, not the date. */
  private static final String[] NO_DAYS = {"--daily", "0", "--weekly", "0", "--monthly", "0"};

  /**
   * Retention over pg_probackup's own catalog (the simulator's {@code show --format=json}):
   * after a DELTA on the newest FULL, a policy that keeps nothing by category (full 0) keeps the
   * newest good backup and the FULL it is built on; the dry run deletes nothing, --apply runs
   * {@code pg_probackup delete -i} for exactly the dry run's list, dependents first, and the
   * DELTA still restores.
   */
  @Test
  @Order(6)
  void probackupRetentionDeletesExactlyTheDryRunsListAndKeepsTheNewestWithItsFull()
      throws Exception {
    pb.sandbox.sql("update accounts set balance = balance + 2 where id % 7 = 0");
    BackupResult delta = backup(BackupRequest.of(PB).withType("DELTA"));
    assertEquals(JobState.SUCCEEDED, delta.state());
    Map<String, String> atDelta = pb.sandbox.fingerprint();
    String full = probackup(delta.backupId()).parentBackupId();
    assertEquals("FULL", probackup(full).backupMode());
    List<String> before = probackupIds();
    assertTrue(before.size() >= 5, "FULLs and DELTAs of the earlier tests: " + before);
    List<String> expected = before.stream()
        .filter(id -> !id.equals(delta.backupId()) && !id.equals(full)).toList();

    String[] policy = policy("--full", "0");
    JsonNode dry = retention(PB, "--dry-run", policy);
    List<String> planned = texts(dry.path("report").path("toDelete"));
    assertEquals(Set.copyOf(expected), Set.copyOf(planned), dry.toString());
    Map<String, String> reasons = reasons(dry);
    assertTrue(reasons.get(delta.backupId()).contains("newest good backup"), reasons.toString());
    assertEquals("keep: [needed by kept " + delta.backupId() + " (its chain)]", reasons.get(full),
        "the FULL is kept only because the kept DELTA is built on it");
    assertEquals(before, probackupIds(), "a dry run deletes nothing");
    int invocationsBefore = pb.recordedInvocations().size();

    JsonNode applied = retention(PB, "--apply", policy);
    assertEquals("SUCCEEDED", applied.path("state").asText(), applied.toString());
    assertEquals(planned, texts(applied.path("deleted")));
    assertEquals(List.of(delta.backupId(), full), probackupIds(),
        "pg_probackup show lists exactly what the dry run kept");
    List<String> deletes = pb.recordedInvocations().subList(invocationsBefore,
        pb.recordedInvocations().size()).stream().filter(argv -> argv.startsWith("delete "))
        .toList();
    assertEquals(planned.size(), deletes.size(), deletes.toString());
    for (int i = 0; i < planned.size(); i++) {
      assertTrue(deletes.get(i).endsWith("-i " + planned.get(i)), deletes.get(i));
    }

    pb.sandbox.sql("truncate transfers");
    RestoreResult restored = restore(RestoreRequest.of(PB).withHost(PB_HOST));
    assertEquals(delta.backupId(), restored.backupId(), "the newest is the DELTA");
    assertEquals(atDelta, pb.sandbox.fingerprint(), "the kept DELTA restores with its FULL");
  }

  /**
   * Retention over the basebackup repository in S3: full 1 keeps the newest backup, the others
   * go, each with all its objects (backup.json first); the kept one's objects are untouched and
   * PlanRestore finds every one of them with its recorded size.
   */
  @Test
  @Order(7)
  void basebackupRetentionDeletesExactlyTheDryRunsListWithAllTheirObjects() throws Exception {
    Set<String> before = validBasebackups();
    assertTrue(before.size() >= 2, "the backups of the earlier tests: " + before);
    String newest = before.stream().reduce((a, b) -> b).orElseThrow();
    Set<String> objectsBefore = basebackupObjects();

    String[] policy = policy("--full", "1");
    JsonNode dry = retention(BB, "--dry-run", policy);
    List<String> planned = texts(dry.path("report").path("toDelete"));
    Set<String> expected = new TreeSet<>(before);
    expected.remove(newest);
    assertEquals(expected, Set.copyOf(planned), dry.toString());
    assertTrue(reasons(dry).get(newest).contains("full 1/1"), reasons(dry).toString());
    assertEquals(objectsBefore, basebackupObjects(), "a dry run deletes nothing");

    JsonNode applied = retention(BB, "--apply", policy);
    assertEquals("SUCCEEDED", applied.path("state").asText(), applied.toString());
    assertEquals(planned, texts(applied.path("deleted")));
    assertEquals(Set.of(newest), validBasebackups());
    Set<String> left = objectsBefore.stream().filter(key -> planned.stream().noneMatch(
        id -> key.startsWith(BaseBackupLayout.backupDir(BB, id)))).collect(Collectors.toSet());
    assertEquals(left, basebackupObjects(), "exactly the deleted backups' objects are gone");

    RestoreResult plan = restore(RestoreRequest.of(BB).withHost(BB_HOST).withDryRun(true));
    assertEquals(JobState.PLANNED, plan.state(), plan.message());
    assertEquals(newest, plan.backupId(), "the kept backup is whole");
  }

  private static String[] policy(String... more) {
    List<String> argv = new java.util.ArrayList<>(List.of(NO_DAYS));
    argv.addAll(List.of(more));
    return argv.toArray(String[]::new);
  }

  /** {@code restoreflow retention ... --json} as a process: the job's result. */
  private JsonNode retention(String instance, String mode, String... policy) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of("retention", "--config",
        configFile.toString(), "--instance", instance, mode, "--json"));
    argv.addAll(List.of(policy));
    RestoreflowProcess.Output run = RestoreflowProcess.runApart(JOB_LIMIT, s3.environment(),
        argv.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
    return new ObjectMapper().readTree(run.stdout());
  }

  /** Backup id -> "keep: [reasons]" or "delete: [reasons]". */
  private static Map<String, String> reasons(JsonNode result) {
    Map<String, String> reasons = new LinkedHashMap<>();
    result.path("report").path("verdicts").forEach(v -> {
      List<String> why = texts(v.path("reasons"));
      reasons.put(v.path("backupId").asText(), (v.path("keep").asBoolean() ? "keep: "
          : "delete: ") + why);
    });
    return reasons;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new java.util.ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  /** Backup ids as {@code pg_probackup show --format=json} lists them (newest first). */
  private List<String> probackupIds() {
    return pb.sandbox.backups().stream().map(BackupInfo::id).toList();
  }

  /** Every object of the basebackup instance's backups in the bucket. */
  private Set<String> basebackupObjects() throws Exception {
    try (ObjectStore store = ObjectStores.open(repository, s3.environment()::get)) {
      return store.list(BaseBackupLayout.backupsPrefix(BB)).stream().map(StoredObject::key)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  // ------------------------------------------------------------------------------ the crash

  /**
   * pg_basebackup copies slowly enough that TakeBackup's first attempt lasts about
   * {@link #THROTTLED_BACKUP_SECONDS}.
   */
  private static void throttleBackupOf(ItSandbox sandbox) throws Exception {
    long bytes = Long.parseLong(sandbox.sandbox.sql(
        "select sum(pg_database_size(datname)) from pg_database").trim());
    sandbox.throttleBackups((int) Math.max(32, bytes / 1024 / THROTTLED_BACKUP_SECONDS));
  }

  /** SIGKILL of the host's worker in the middle of TakeBackup. */
  private void killWorkerDuringTakeBackup(String host, Submission job) throws Exception {
    assertEquals(Steps.TAKE_BACKUP, temporal.restoreflow.progress(job.jobId()).currentStep());
    RestoreflowProcess first = workers.remove(host);
    first.kill9();
    assertFalse(first.isAlive());
  }

  private void assertAfterTheCrash(Submission job, BackupResult result, String instance)
      throws Exception {
    List<Integer> attempts = Histories.attempts(temporal.client, job.workflowId(),
        Steps.TAKE_BACKUP);
    assertEquals(1, attempts.size(), "TakeBackup was scheduled once: " + attempts);
    assertTrue(attempts.get(0) >= 2, "TakeBackup was retried after the kill: " + attempts);
    assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(),
        Steps.PLAN_BACKUP), "PlanBackup ran once, before the kill");
    StepProgress take = result.steps().stream()
        .filter(s -> s.name().equals(Steps.TAKE_BACKUP)).findFirst().orElseThrow();
    assertTrue(take.detail().contains("attempt"), take.detail());

    InstanceCatalog catalog = temporal.restoreflow.catalog(instance, Duration.ofMinutes(1))
        .instances().stream().filter(i -> i.instance().equals(instance)).findFirst()
        .orElseThrow();
    Map<String, String> statuses = catalog.backups().stream()
        .collect(Collectors.toMap(CatalogBackup::id, CatalogBackup::status));
    assertEquals(CatalogBackup.OK, statuses.get(result.backupId()), statuses.toString());
    assertFalse(statuses.containsValue(CatalogBackup.RUNNING),
        "nothing shown RUNNING: " + statuses);
    assertFalse(statuses.containsValue(CatalogBackup.ERROR), "nothing left as ERROR: " + statuses);
  }

  /** True while a pg_basebackup of the cluster on {@code port} runs (of any wrapper). */
  private static boolean copying(int port) {
    return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine()
        .filter(line -> line.contains("/pg_basebackup ") && line.contains(" -p " + port + " "))
        .isPresent());
  }

  // ------------------------------------------------------------------------------ helpers

  private void startWorker(String host) throws Exception {
    Map<String, String> env = host.equals(BB_HOST) ? s3.environment() : Map.of();
    workers.put(host, RestoreflowProcess.worker(configFile, host, workerLog, env));
  }

  private BackupResult backup(BackupRequest request) throws Exception {
    Submission job = temporal.restoreflow.submitBackup(request);
    return temporal.restoreflow.awaitBackup(job.jobId(), JOB_LIMIT);
  }

  private RestoreResult restore(RestoreRequest request) throws Exception {
    Submission job = temporal.restoreflow.submit(request);
    return temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
  }

  /** Backup ids {@code pg_probackup show} lists as OK. */
  private Set<String> validProbackups() {
    return pb.sandbox.backups().stream().filter(b -> "OK".equals(b.status()))
        .map(BackupInfo::id).collect(Collectors.toCollection(TreeSet::new));
  }

  private BackupInfo probackup(String id) {
    return pb.sandbox.backups().stream().filter(b -> b.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("backup " + id + " is not in the catalog"));
  }

  /** Backup ids with a backup.json in the repository. */
  private Set<String> validBasebackups() throws Exception {
    try (ObjectStore store = ObjectStores.open(repository, s3.environment()::get)) {
      return new BaseBackupCatalog(store, BB).backups().stream().map(BackupMeta::id)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private BackupMeta basebackup(String id) throws Exception {
    try (ObjectStore store = ObjectStores.open(repository, s3.environment()::get)) {
      return new BaseBackupCatalog(store, BB).backup(id).orElseThrow();
    }
  }

  /** Objects under a backup directory without a backup.json. */
  private Set<String> incompleteBasebackups() throws Exception {
    Set<String> valid = validBasebackups();
    Set<String> incomplete = new HashSet<>();
    try (ObjectStore store = ObjectStores.open(repository, s3.environment()::get)) {
      for (StoredObject object : store.list(BaseBackupLayout.backupsPrefix(BB))) {
        String id = object.key().substring(BaseBackupLayout.backupsPrefix(BB).length())
            .split("/")[0];
        if (!valid.contains(id)) {
          incomplete.add(object.key());
        }
      }
    }
    return incomplete;
  }

  /** The job holds its host (the restore's steps take about 15 s from here). */
  private void awaitRunning(String jobId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (temporal.restoreflow.progress(jobId).state() != JobState.RUNNING) {
      assertTrue(System.nanoTime() < deadline, "job " + jobId + " never ran");
      Thread.sleep(100);
    }
  }

  /** TakeBackup has begun the multipart upload of the tarball. */
  private void awaitUnfinishedUpload() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (s3.unfinishedUploads(BUCKET).isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "no upload began");
      Thread.sleep(200);
    }
  }

  private QueueState awaitWaiting(String host, String jobId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    QueueState queue = temporal.restoreflow.queue(host);
    while (queue.waiting().stream().noneMatch(e -> e.jobId().equals(jobId))) {
      assertTrue(System.nanoTime() < deadline, "job " + jobId + " never waited in " + queue);
      Thread.sleep(100);
      queue = temporal.restoreflow.queue(host);
    }
    assertNotNull(queue.running(), queue.toString());
    return queue;
  }

  /** When the workflow's last activity ended (server clock). */
  private long lastActivityEnd(String workflowId) {
    return Histories.events(temporal.client, workflowId).stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
        .mapToLong(BackupJobsIT::millis).max().orElseThrow();
  }

  /** When the workflow's first host activity was scheduled (server clock). */
  private long firstActivityScheduled(String workflowId) {
    return Histories.events(temporal.client, workflowId).stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .mapToLong(BackupJobsIT::millis).min().orElseThrow();
  }

  private static long millis(HistoryEvent event) {
    return event.getEventTime().getSeconds() * 1000 + event.getEventTime().getNanos() / 1_000_000;
  }

  private static JsonNode lastJson(String output) throws Exception {
    String json = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no JSON in: " + output));
    return new ObjectMapper().readTree(json);
  }

  private static BaseBackupConfig throughProxy(BaseBackupConfig c, String endpoint) {
    return new BaseBackupConfig(c.repository(), endpoint, c.region(), c.pathStyle(),
        c.accessKeyEnv(), c.secretKeyEnv(), c.compression(), c.parallelDownloads(),
        c.partSizeMiB(), c.settings());
  }
}
