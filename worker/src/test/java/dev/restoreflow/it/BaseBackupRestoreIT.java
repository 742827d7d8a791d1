package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.archive.Compression;
import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BackupObject;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.Workers;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RecoveryTarget;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import io.temporal.client.WorkflowFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Restores of basebackup backups from a real S3-compatible server (s3proxy) through the
 * workflow: StopCluster, WipeData, FetchS3, StartCluster, Promote, VerifyCluster on a real cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class BaseBackupRestoreIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(4);

  private ItSandbox main1;
  private S3Server s3;
  private ItTemporal temporal;
  private Path configFile;
  private FileAppender<ILoggingEvent> inProcessLog;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    inProcessLog = logToFile(main1.stateDir().resolve("Logs").resolve("in-process.log"));
    main1.sandbox.loadDemoData(20_000);
    s3 = S3Server.start(main1.stateDir());
    s3.createBucket("pg-backups");
    BaseBackupConfig repository = s3.repository("pg-backups", "restore-it", "gzip");
    InstanceConfig instance = main1.instance.withEngine(BaseBackupEngine.NAME)
        .withSettings(repository);
    configFile = BaseBackups.writeConfig(main1, BaseBackups.config(main1, instance, "127.0.0.1:1"));
    ItServer server = ItTemporal.startServer();
    RestoreflowConfig withServer = BaseBackups.config(main1, instance, server.target());
    Map<String, String> env = s3.environment();
    temporal = ItTemporal.start(server, withServer, List.of(),
        factory -> Workers.addHost(factory, withServer, "local", env::get));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (inProcessLog != null) {
      rootLogger().detachAppender(inProcessLog);
      inProcessLog.stop();
    }
    if (temporal != null) {
      temporal.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (main1 != null) {
      main1.close();
    }
  }

  @Test
  @Order(1)
  void backupsInEveryCompressionRestoreExactlyTheirData() throws Exception {
    Map<String, Map<String, String>> expected = new LinkedHashMap<>();
    int round = 0;
    for (Compression compression : Compression.values()) {
      main1.sandbox.sql("update accounts set balance = balance + " + (++round)
          + " where id % 7 = " + round + "; insert into transfers (from_id, to_id, amount)"
          + " select id, id + 1, " + round + " from accounts where id <= 500");
      String id = backup(compression);
      expected.put(id, main1.sandbox.fingerprint());
    }
    main1.sandbox.sql("drop table transfers; delete from accounts where id > 10");
    for (Map.Entry<String, Map<String, String>> backup : expected.entrySet()) {
      RestoreResult result = restore(RestoreRequest.of("main1").withHost("local")
          .withBackupId(backup.getKey()));
      assertEquals(JobState.SUCCEEDED, result.state());
      assertEquals(backup.getValue(), main1.sandbox.fingerprint(),
          "backup " + backup.getKey() + " (" + result.plan().backupMode() + ") restored exactly");
      assertEquals(List.of(Steps.PLAN, Steps.STOP, Steps.WIPE, BaseBackupActivities.FETCH_STEP,
          Steps.START,
          Steps.PROMOTE, Steps.VERIFY), result.steps().stream().map(StepProgress::name).toList());
      StepProgress fetch = result.steps().get(3);
      assertTrue(fetch.detail().startsWith("restored basebackup " + backup.getKey()),
          fetch.detail());
      assertEquals("f", main1.sandbox.sql("select pg_is_in_recovery()").trim(), "promoted");
      assertEquals("off", main1.sandbox.sql("show archive_mode").trim());
    }
  }

  @Test
  @Order(2)
  void pointInTimeRecoveryKeepsTheFirstTransactionAndNotTheSecond() throws Exception {
    archiveWalIntoTheRepository();
    String id = backup(Compression.ZSTD);
    main1.sandbox.sql("create table pitr (step text)");
    main1.sandbox.sql("insert into pitr values ('first')");
    Thread.sleep(1500);
    String between = main1.sandbox.sql("select to_char(now() at time zone 'UTC',"
        + " 'YYYY-MM-DD HH24:MI:SS.US') || '+00'").trim();
    Thread.sleep(1500);
    main1.sandbox.sql("insert into pitr values ('second')");
    String segment = main1.sandbox.sql("select pg_walfile_name(pg_current_wal_lsn())").trim();
    main1.sandbox.sql("select pg_switch_wal()");
    awaitArchived(segment);

    RestoreResult result = restore(new RestoreRequest("main1", "local", null, false,
        new RecoveryTarget(between, null, null, null), null, false, "BaseBackupRestoreIT", "api"));
    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals(id, result.backupId(), "the newest backup before the target");
    assertEquals("first", main1.sandbox.sql("select string_agg(step, ',') from pitr").trim());
    assertEquals("f", main1.sandbox.sql("select pg_is_in_recovery()").trim(), "promoted");
  }

  @Test
  @Order(3)
  void aCorruptObjectFailsFetchS3ByNameAndATruncatedOneFailsThePlan() throws Exception {
    String id = backup(Compression.GZIP);
    Map<String, String> atBackup = main1.sandbox.fingerprint();
    Path object = storedFile(id, "base.tar.gz");
    byte[] original = Files.readAllBytes(object);

    byte[] corrupt = original.clone();
    for (int i = corrupt.length / 2; i < corrupt.length / 2 + 64; i++) {
      corrupt[i] ^= 0x5A;
    }
    Files.write(object, corrupt);
    FailedJob corruptJob = restoreFails(id, "OBJECT_CORRUPT");
    RestoreProgress progress = corruptJob.progress();
    assertTrue(progress.message().contains("main1/backups/" + id + "/base.tar.gz"),
        progress.message());
    // since issue 18 the state also says where WipeData put the old data
    assertTrue(progress.dataState().startsWith("partly restored, cluster stopped; run a full"
        + " restore; old data: WipeData moved "), progress.dataState());
    assertTrue(progress.dataState().contains(".main1.restoreflow-old-"), progress.dataState());
    assertEquals(List.of(1), Histories.attempts(temporal.client, corruptJob.workflowId(),
        BaseBackupActivities.FETCH_STEP), "a corrupt object is not retried");

    Files.write(object, java.util.Arrays.copyOf(original, original.length - 1000));
    RestoreProgress untouched = restoreFails(id, "BACKUP_NOT_VALID").progress();
    assertTrue(untouched.message().contains("base.tar.gz is " + (original.length - 1000)
        + " bytes"),
        untouched.message());
    assertTrue(untouched.dataState().startsWith("untouched"), untouched.dataState());

    Files.write(object, original);
    assertEquals(JobState.SUCCEEDED, restore(RestoreRequest.of("main1").withHost("local")
        .withBackupId(id)).state(), "the repaired object restores");
    assertEquals(atBackup, main1.sandbox.fingerprint());
  }

  @Test
  @Order(4)
  void aByteChangedInAnUncompressedBackupIsCaughtByTheManifestAndNamed() throws Exception {
    String id = backup(Compression.NONE);
    Path object = storedFile(id, "base.tar");
    byte[] original = Files.readAllBytes(object);
    // no compression, so no checksum in transit: only the backup's manifest can see this
    TarMember biggest = biggestRelation(original);
    byte[] changed = original.clone();
    changed[(int) (biggest.dataOffset() + biggest.size() / 2)] ^= 0x01;
    Files.write(object, changed);

    FailedJob job = restoreFails(id, "OBJECT_CORRUPT");
    assertTrue(job.progress().message().contains("do not match the backup's manifest (1 file): "
        + biggest.name() + ": CRC32C "), job.progress().message());
    assertTrue(job.progress().dataState().startsWith("partly restored, cluster stopped; run a"
        + " full restore; old data: WipeData moved "), job.progress().dataState());
    assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(),
        BaseBackupActivities.FETCH_STEP));

    Files.write(object, original);
    RestoreResult repaired = restore(RestoreRequest.of("main1").withHost("local").withBackupId(id));
    assertEquals(JobState.SUCCEEDED, repaired.state());
    String fetched = repaired.steps().get(3).detail();
    assertTrue(fetched.matches(".*; \\d+ files verified against backup_manifest; .*"), fetched);
  }

  @Test
  @Order(5)
  void theS3KeysReachNoLedgerHistoryOrLog() throws Exception {
    List<String> keys = List.of(s3.accessKey, s3.secretKey);
    List<JobRow> jobs = temporal.ledger.jobs("main1", null, 100);
    assertTrue(jobs.size() >= 8, "the jobs of the tests before: " + jobs.size());
    List<String> workflowIds = new java.util.ArrayList<>(jobs.stream().map(JobRow::workflowId)
        .toList());
    workflowIds.add(TaskQueues.hostQueueWorkflowId("local"));
    for (String workflowId : workflowIds) {
      String history = temporal.client.fetchHistory(workflowId).getHistory().toByteString()
          .toStringUtf8();
      assertTrue(history.contains("main1"), "a history with payloads: " + workflowId);
      keys.forEach(key -> assertFalse(history.contains(key), "an S3 key in " + workflowId));
    }
    // everything restoreflow, PostgreSQL (wal-push logs there) and the ledger wrote; not the
    // S3 server's own files nor the archive script that holds the keys by design
    List<Path> written;
    try (var files = Files.walk(main1.stateDir())) {
      written = files.filter(Files::isRegularFile)
          .filter(f -> !f.startsWith(main1.stateDir().resolve("s3data")))
          .filter(f -> !f.startsWith(main1.stateDir().resolve("bin")))
          .filter(f -> !f.getFileName().toString().startsWith("s3proxy."))
          .filter(f -> !f.getFileName().toString().endsWith(".jar"))
          .toList();
    }
    assertTrue(written.stream().anyMatch(f -> f.getFileName().toString().startsWith("ledger.db")),
        written.toString());
    assertTrue(Files.size(main1.stateDir().resolve("Logs").resolve("in-process.log")) > 0,
        "the in-process worker's log (FetchS3 ran there) is among them");
    for (Path file : written) {
      String text = new String(Files.readAllBytes(file),
          java.nio.charset.StandardCharsets.ISO_8859_1);
      keys.forEach(key -> assertFalse(text.contains(key), "an S3 key in " + file));
    }
  }

  @Test
  @Order(6)
  void aTarballThatClimbsOutThroughItsOwnLinksFailsAsCorruptAndWritesNothingOutside()
      throws Exception {
    String good = backup(Compression.NONE);
    String crafted = backup(Compression.NONE);
    // l1 -> . ; l1/l1/sub/l2 -> ../../.. (pgdata, as text; three levels up from pgdata/sub on
    // disk: the sandbox's state directory) ; then a file through it
    Path scratch = Files.createDirectories(main1.stateDir().resolve("crafted"));
    Files.createSymbolicLink(scratch.resolve("l1"), Path.of("."));
    Files.createSymbolicLink(scratch.resolve("l2"), Path.of("../../.."));
    Files.writeString(scratch.resolve("evil"), "written outside the data directory");
    Path tar = main1.stateDir().resolve("crafted.tar");
    Process gnuTar = new ProcessBuilder("tar", "-cf", tar.toString(), "-C", scratch.toString(),
        "--transform", "s,^l2$,l1/l1/sub/l2,;s,^evil$,sub/l2/x/evil,", "l1", "l2", "evil")
        .inheritIO().start();
    assertEquals(0, gnuTar.waitFor());
    byte[] bytes = Files.readAllBytes(tar);
    Files.write(storedFile(crafted, "base.tar"), bytes);
    Path metaFile = storedFile(crafted, "backup.json");
    ObjectMapper json = new ObjectMapper();
    BackupMeta meta = json.readValue(metaFile.toFile(), BackupMeta.class);
    json.writeValue(metaFile.toFile(), new BackupMeta(meta.id(), meta.instance(), "none",
        meta.startedAt(), meta.finishedAt(), meta.startLsn(), meta.stopLsn(), meta.timeline(),
        meta.tool(), List.of(new BackupObject("base.tar", bytes.length, bytes.length, List.of()))));
    Path landing = main1.stateDir().resolve("x");

    FailedJob job = restoreFails(crafted, "OBJECT_CORRUPT");
    assertFalse(Files.exists(landing), "nothing written outside the data directory");
    String message = job.progress().message();
    assertTrue(message.contains("main1/backups/" + crafted + "/base.tar: tar member 'l1': links"
        + " to '.'"), message);
    assertTrue(message.contains("The backup is corrupt or was tampered with"), message);
    assertTrue(job.progress().dataState().startsWith("partly restored, cluster stopped; run a"
        + " full restore; old data: WipeData moved "), job.progress().dataState());
    assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(),
        BaseBackupActivities.FETCH_STEP));

    assertEquals(JobState.SUCCEEDED, restore(RestoreRequest.of("main1").withHost("local")
        .withBackupId(good)).state(), "a full restore of a good backup after it");
  }

  /** Everything this JVM logs (the host worker runs in it) also goes to {@code file}. */
  private static FileAppender<ILoggingEvent> logToFile(Path file) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%X{job:-}] %logger - %msg%n");
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setFile(file.toString());
    appender.setEncoder(encoder);
    appender.start();
    rootLogger().addAppender(appender);
    return appender;
  }

  private static ch.qos.logback.classic.Logger rootLogger() {
    return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(
        org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private record TarMember(String name, long dataOffset, long size) {}

  /** The largest file under base/ in a plain (ustar) tarball, as pg_basebackup writes them. */
  private static TarMember biggestRelation(byte[] tar) {
    TarMember biggest = null;
    for (int header = 0; header + 512 <= tar.length && tar[header] != 0; ) {
      String name = new String(tar, header, 100, java.nio.charset.StandardCharsets.US_ASCII)
          .replaceAll("\\x00.*", "");
      long size = Long.parseLong(new String(tar, header + 124, 12,
          java.nio.charset.StandardCharsets.US_ASCII).replaceAll("[\\x00 ]", ""), 8);
      if (tar[header + 156] == '0' && name.startsWith("base/")
          && (biggest == null || size > biggest.size())) {
        biggest = new TarMember(name, header + 512L, size);
      }
      header += 512 + (int) ((size + 511) / 512 * 512);
    }
    return biggest;
  }

  /** Where s3proxy's filesystem backend keeps an object. */
  private Path storedFile(String backupId, String name) throws Exception {
    try (var files = Files.walk(main1.stateDir().resolve("s3data"))) {
      return files.filter(p -> p.endsWith(Path.of(backupId, name))).findFirst()
          .orElseThrow(() -> new AssertionError("no stored " + backupId + "/" + name));
    }
  }

  /** archive_command = a script (mode 0700, the cluster's user) that runs restoreflow wal-push. */
  private void archiveWalIntoTheRepository() throws Exception {
    Path bin = main1.stateDir().resolve("bin");
    Path script = bin.resolve("archive-wal");
    // the cluster's user cannot read the build's classpath under /root: a copy of the jar
    Path jar = bin.resolve("restoreflow.jar");
    Files.copy(Path.of("target", "restoreflow.jar"), jar,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    StringBuilder env = new StringBuilder();
    s3.environment().forEach((k, v) -> env.append("export ").append(k).append("='").append(v)
        .append("'\n"));
    Files.writeString(script, "#!/bin/sh\n" + env + "exec '" + java + "' -jar '" + jar
        + "' wal-push --config '" + configFile + "' --instance main1 \"$1\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Files.setOwner(script, Files.getOwner(Path.of(main1.instance.pgdata())));
    Files.setPosixFilePermissions(configFile, PosixFilePermissions.fromString("rw-r--r--"));
    main1.sandbox.sql("alter system set archive_command = '" + script + " %p'");
    // the restores before switched archiving off (as every restore does); a restart turns it on
    main1.sandbox.sql("alter system set archive_mode = 'on'");
    main1.sandbox.cluster().stop(false);
    main1.sandbox.cluster().start(() -> false);
  }

  private void awaitArchived(String segment) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      String last = main1.sandbox.sql("select coalesce(last_archived_wal, '') || ' '"
          + " || coalesce(last_failed_wal, '') from pg_stat_archiver").trim();
      if (last.split(" ")[0].compareTo(segment) >= 0) {
        return;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("WAL segment " + segment + " was not archived within 90 s");
  }

  private String backup(Compression compression) throws Exception {
    return BaseBackups.backup(configFile, s3, "main1", compression.configName()).id();
  }

  private record FailedJob(String workflowId, RestoreProgress progress) {}

  /** A restore of {@code backupId} that must fail with the failure type {@code type}. */
  private FailedJob restoreFails(String backupId, String type) throws Exception {
    Submission job = temporal.restoreflow.submit(RestoreRequest.of("main1").withHost("local")
        .withBackupId(backupId));
    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> temporal.restoreflow.await(job.jobId(), JOB_LIMIT));
    assertEquals(java.util.Optional.of(type), Failures.typeOf(failed), failed.toString());
    return new FailedJob(job.workflowId(), temporal.restoreflow.progress(job.jobId()));
  }

  private RestoreResult restore(RestoreRequest request) throws Exception {
    Submission job = temporal.restoreflow.submit(request);
    return temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
  }
}
