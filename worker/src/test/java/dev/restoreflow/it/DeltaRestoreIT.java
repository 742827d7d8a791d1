package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * The delta restore of a basebackup (issue 18) on a real cluster, through the workflow, from a
 * real S3-compatible server behind a proxy that counts what it serves: after a bad change
 * confined to a few tables, plus a removed file and a stray one, the delta gives exactly the
 * backup's data and downloads only the chunks of what changed — not the large table nobody
 * touched; a delta whose worker is killed half-way, run again by the next worker, is exact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class DeltaRestoreIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(4);
  private static final long MIB = 1 << 20;
  /** A table nobody changes: 1.2 M rows, about 150 MB, about ten of the tarball's chunks. */
  private static final String BULK = "create schema bulk; create table bulk.big as select g as id,"
      + " md5(g::text) || md5((g * 7)::text) as pad from generate_series(1, 1200000) g";
  /** As on a cluster that has run a while: hint bits set, so reading it changes no page. */
  private static final String SETTLE = "vacuum (freeze) bulk.big";
  private static final String BULK_SUM = "select count(*) || ':' || sum(hashtext(pad))"
      + " from bulk.big";

  private ItSandbox main1;
  private S3Server s3;
  private CountingProxy proxy;
  private ItTemporal temporal;
  private Path configFile;
  private Path workerLog;
  private Path pgdata;
  private BackupMeta backup;
  private Map<String, String> atBackup;
  private String bulkAtBackup;
  private double bulkBytes;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    main1.sandbox.loadDemoData(20_000);
    main1.sandbox.sql(BULK);
    main1.sandbox.sql(SETTLE);
    main1.sandbox.sql("checkpoint");
    s3 = S3Server.start(main1.stateDir());
    s3.createBucket("pg-backups");
    proxy = new CountingProxy(URI.create(s3.endpoint).getPort(), 0);
    BaseBackupConfig repository = new BaseBackupConfig("s3://pg-backups/delta-it",
        proxy.endpoint(), null, true, S3Server.ACCESS_KEY_ENV, S3Server.SECRET_KEY_ENV, "none",
        2, 5, null);
    InstanceConfig instance = main1.instance.withEngine(BaseBackupEngine.NAME)
        .withSettings(repository);
    pgdata = Path.of(instance.pgdata());
    ItServer server = ItTemporal.startServer();
    RestoreflowConfig config = BaseBackups.config(main1, instance, server.target());
    configFile = BaseBackups.writeConfig(main1, config);
    workerLog = main1.stateDir().resolve("worker-process.log");
    temporal = ItTemporal.start(server, config, List.of());
    backup = BaseBackups.backup(configFile, s3, "main1", "none");
    atBackup = main1.sandbox.fingerprint();
    bulkAtBackup = main1.sandbox.sql(BULK_SUM);
    // its main fork, less a tenth: the size a person reads is rounded
    bulkBytes = Long.parseLong(main1.sandbox.sql("select pg_relation_size('bulk.big')")) * 0.9;
  }

  @AfterAll
  void tearDown() throws Exception {
    for (AutoCloseable closeable : new AutoCloseable[] {temporal, proxy, s3, main1}) {
      if (closeable != null) {
        closeable.close();
      }
    }
  }

  @Test
  @Order(1)
  void afterABadChangeTheDeltaIsExactAndDownloadsOnlyTheChangedFilesChunks() throws Exception {
    long objectSize = backup.objects().get(0).size();
    int chunks = backup.objects().get(0).chunks().size();
    assertTrue(chunks >= 8, "a tarball of many chunks: " + chunks);
    main1.sandbox.sql("update accounts set balance = balance + 1 where id <= 500;"
        + " delete from accounts where id between 1000 and 1999;"
        + " drop table transfers; create table created_after (x int);"
        + " insert into created_after select generate_series(1, 1000)");
    main1.sandbox.sql("vacuum accounts");
    String removed = main1.sandbox.sql("select pg_relation_filepath('accounts_pkey')");
    main1.sandbox.cluster().stop(true);
    Files.delete(pgdata.resolve(removed));
    Path stray = pgdata.resolve(Path.of(removed).getParent()).resolve("999999");
    Files.writeString(stray, "a file the backup does not have");
    Files.createDirectories(pgdata.resolve("stray-dir/below"));

    proxy.resetCount();
    RestoreResult result;
    try (RestoreflowProcess worker = RestoreflowProcess.worker(configFile, "local", workerLog,
        s3.environment())) {
      result = restore(temporal.restoreflow.submit(request()));
    }
    long served = proxy.bytesFromServer();

    assertEquals(JobState.SUCCEEDED, result.state(), result.message());
    assertEquals(atBackup, main1.sandbox.fingerprint(), "the backup's data exactly");
    assertEquals(bulkAtBackup, main1.sandbox.sql(BULK_SUM));
    assertEquals("0", main1.sandbox.sql("select count(*) from pg_class where relname ="
        + " 'created_after'"), "the table created after the backup is gone");
    assertTrue(Files.notExists(stray) && Files.notExists(pgdata.resolve("stray-dir")));
    StepProgress wipe = step(result, Steps.WIPE);
    assertEquals(Steps.KEEPS_DATA, wipe.detail(), "no WipeData");
    StepProgress fetch = step(result, BaseBackupActivities.FETCH_STEP);
    Matcher fetched = Pattern.compile("downloaded ([\\d.]+ \\w+), (\\d+) of (\\d+) chunks")
        .matcher(fetch.detail());
    assertTrue(fetched.find(), fetch.detail());
    int fetchedChunks = Integer.parseInt(fetched.group(2));
    String figures = String.format("object %,d bytes in %d chunks; the proxy served %,d bytes;"
        + " FetchS3: %s", objectSize, chunks, served, fetch.detail());
    System.out.println("DeltaRestoreIT: " + figures);
    assertEquals(chunks, Integer.parseInt(fetched.group(3)), figures);
    assertTrue(fetchedChunks <= chunks / 2, "the untouched large table is not fetched: "
        + figures);
    // what was served is those chunks (16 MiB of tar each at most) and the listing, backup.json,
    // the index and the archived WAL — never the whole object
    assertTrue(served <= fetchedChunks * 16 * MIB + 40 * MIB, figures);
    assertTrue(served < objectSize / 2, figures);
    assertTrue(fetch.detail().contains("files verified against backup_manifest"), fetch.detail());
    // the large table nothing wrote since the backup read it is kept without being read: the
    // backup kept its files' stamps (FileStamps)
    Matcher unread = Pattern.compile("; (\\d+) of them, ([\\d.]+) (\\w+), not read: unchanged")
        .matcher(fetch.detail());
    assertTrue(unread.find(), fetch.detail());
    assertTrue(bytes(unread.group(2), unread.group(3)) >= bulkBytes, "the bulk table's "
        + bulkBytes + " bytes are among those not read: " + fetch.detail());
    assertTrue(Files.isDirectory(pgdata.resolveSibling("." + pgdata.getFileName()
        + ".restoreflow-stamps")), "the restore keeps the stamps for the next delta");
  }

  /** "12.5 MiB" in bytes, to the precision a person reads. */
  private static double bytes(String number, String unit) {
    int power = List.of("bytes", "KiB", "MiB", "GiB", "TiB").indexOf(unit);
    assertTrue(power >= 0, unit);
    return Double.parseDouble(number) * Math.pow(1024, power);
  }

  @Test
  @Order(2)
  void aDeltaKilledHalfWayAndRunAgainIsExact() throws Exception {
    main1.sandbox.sql("update accounts set owner = 'changed' where id % 3 = 0;"
        + " update bulk.big set pad = 'changed' where id % 5000 = 0; checkpoint");
    assertNotEquals(bulkAtBackup, main1.sandbox.sql(BULK_SUM));
    main1.sandbox.cluster().stop(true);

    Submission job;
    proxy.setRate(1_000_000);   // x 2 parallel chunks: the changed chunks take many seconds
    try (RestoreflowProcess first = RestoreflowProcess.worker(configFile, "local", workerLog,
        s3.environment())) {
      job = temporal.restoreflow.submit(request());
      JobWaits.awaitStep(temporal.restoreflow, job.jobId(), BaseBackupActivities.FETCH_STEP);
      proxy.resetCount();
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (proxy.bytesFromServer() < 8 * MIB) {
        assertTrue(System.nanoTime() < deadline, "the delta downloads nothing");
        Thread.sleep(100);
      }
      first.kill9();
    }
    main1.assertStartRefusedWhileUnfinished(job.jobId());
    proxy.setRate(0);
    RestoreResult result;
    try (RestoreflowProcess second = RestoreflowProcess.worker(configFile, "local", workerLog,
        s3.environment())) {
      result = restore(job);
    }
    assertEquals(JobState.SUCCEEDED, result.state(), result.message());
    assertEquals(atBackup, main1.sandbox.fingerprint(), "exact after the kill");
    assertEquals(bulkAtBackup, main1.sandbox.sql(BULK_SUM));
    StepProgress fetch = step(result, BaseBackupActivities.FETCH_STEP);
    assertTrue(fetch.detail().contains("a delta again against what the earlier attempt left"),
        fetch.detail());
  }

  private static RestoreRequest request() {
    return RestoreRequest.of("main1").withHost("local").withIncremental(true);
  }

  private RestoreResult restore(Submission job) throws Exception {
    return temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
  }

  private static StepProgress step(RestoreResult result, String name) {
    return result.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
