package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BaseBackupCatalog;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.Workers;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * A backup job and a restore (FetchS3) through a proxy that spoils a fraction of the S3 requests:
 * S3 errors, connections reset in the middle of a body, stalls longer than the read timeout. Both
 * jobs complete, the restored data equals the backed-up data, every stall is cut by restoreflow's
 * timeout, and the figures go to the test's output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class S3FaultsIT {

  private static final String BUCKET = "pg-backups";
  private static final Duration JOB_LIMIT = Duration.ofSeconds(100);
  /**
   * Of the requests, how many go wrong (each at most once, see FaultyS3Proxy): by default every
   * one, so each job meets every fault; with less, the seed picks which (-D to vary a run).
   */
  private static final double FRACTION = Double.parseDouble(
      System.getProperty("restoreflow.it.s3FaultFraction", "1"));
  private static final long SEED = Long.getLong("restoreflow.it.s3FaultSeed", 13);
  /** restoreflow's read timeout here: a stall longer than this must be cut and retried. */
  private static final int READ_TIMEOUT_SECONDS = 2;

  private ItSandbox main1;
  private S3Server s3;
  private FaultyS3Proxy proxy;
  private BaseBackupConfig direct;
  private ItTemporal temporal;
  private Map<String, String> atBackup;
  private String backupId;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    main1.sandbox.loadDemoData(5_000);
    s3 = S3Server.start(main1.stateDir());
    s3.createBucket(BUCKET);
    proxy = new FaultyS3Proxy(URI.create(s3.endpoint).getPort(), 0, SEED, Duration.ofSeconds(60));
    direct = s3.repository(BUCKET, "faults-it", "none");
    BaseBackupConfig throughProxy = new BaseBackupConfig(direct.repository(), proxy.endpoint(),
        null, true, S3Server.ACCESS_KEY_ENV, S3Server.SECRET_KEY_ENV, "none", 2, 5, null,
        READ_TIMEOUT_SECONDS, 20);
    InstanceConfig instance = main1.instance.withEngine(BaseBackupEngine.NAME)
        .withSettings(throughProxy);
    ItServer server = ItTemporal.startServer();
    RestoreflowConfig config = BaseBackups.config(main1, instance, server.target());
    Map<String, String> env = s3.environment();
    temporal = ItTemporal.start(server, config, List.of(),
        factory -> Workers.addHost(factory, config, "local", env::get));
  }

  @AfterAll
  void tearDown() throws Exception {
    Closing.inOrder(temporal, proxy, s3, main1);
  }

  @Test
  @Order(1)
  void aBackupJobCompletesThroughS3FaultsAndStoresOneWholeBackup() throws Exception {
    atBackup = main1.sandbox.fingerprint();
    FaultyS3Proxy.Figures before = proxy.figures();
    long started = System.nanoTime();
    proxy.spoil(FRACTION);
    Submission job = temporal.restoreflow.submitBackup(BackupRequest.of("main1")
        .withCompression("none"));
    BackupResult result = temporal.restoreflow.awaitBackup(job.jobId(), JOB_LIMIT);
    proxy.spoil(0);
    FaultyS3Proxy.Figures faults = settled(before);
    System.out.printf("S3FaultsIT backup job: %s in %.1f s; TakeBackup attempts %s; faults: %s%n",
        result.state(), (System.nanoTime() - started) / 1e9,
        Histories.attempts(temporal.client, job.workflowId(), Steps.TAKE_BACKUP), faults);

    assertEquals(JobState.SUCCEEDED, result.state(), result.toString());
    assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(),
        Steps.TAKE_BACKUP), "the faults cost retried requests, not a retried TakeBackup");
    backupId = result.backupId();
    try (ObjectStore store = ObjectStores.open(direct, s3.environment()::get)) {
      assertEquals(List.of(backupId), new BaseBackupCatalog(store, "main1").backups().stream()
          .map(BackupMeta::id).toList(), "one backup, with its backup.json");
    }
    assertEquals(List.of(), s3.unfinishedUploads(BUCKET), "no multipart upload left behind");
    assertEveryFaultMetAndEveryStallCut(faults);
    assertTrue(faults.requestBytesCut() > 0, "an upload broke off and was sent again: " + faults);
  }

  @Test
  @Order(2)
  void aRestoreCompletesThroughS3FaultsWithTheDataOfTheBackup() throws Exception {
    main1.sandbox.sql("drop table transfers; delete from accounts where id > 10");
    FaultyS3Proxy.Figures before = proxy.figures();
    long started = System.nanoTime();
    proxy.spoil(FRACTION);
    Submission job = temporal.restoreflow.submit(RestoreRequest.of("main1").withHost("local")
        .withBackupId(backupId));
    RestoreResult result = temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
    proxy.spoil(0);
    FaultyS3Proxy.Figures faults = settled(before);
    String fetch = result.steps().stream()
        .filter(s -> s.name().equals(BaseBackupActivities.FETCH_STEP)).map(StepProgress::detail)
        .findFirst().orElse("(no FetchS3)");
    System.out.printf("S3FaultsIT restore: %s in %.1f s; FetchS3 attempts %s: %s; faults: %s%n",
        result.state(), (System.nanoTime() - started) / 1e9,
        Histories.attempts(temporal.client, job.workflowId(), BaseBackupActivities.FETCH_STEP),
        fetch, faults);

    assertEquals(JobState.SUCCEEDED, result.state(), result.toString());
    assertEquals(atBackup, main1.sandbox.fingerprint(), "the data of the backup");
    assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(),
        BaseBackupActivities.FETCH_STEP),
            "the faults cost fetched-again ranges, not a retried FetchS3");
    assertEveryFaultMetAndEveryStallCut(faults);
    assertTrue(faults.responseBytesCut() >= 1 << 20,
        "a download broke off in the middle of the data and was fetched again: " + faults);
  }

  /**
   * The figures since {@code before} once every stall has ended: a job can end while the proxy
   * has yet to see the client close the connection of a stall it gave up on (seen under load).
   */
  private FaultyS3Proxy.Figures settled(FaultyS3Proxy.Figures before) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    FaultyS3Proxy.Figures faults = proxy.figures().since(before);
    while (faults.failed(FaultyS3Proxy.Fault.STALL) > faults.stallsCut().size()
        + faults.stallsNotCut() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      faults = proxy.figures().since(before);
    }
    if (!proxy.openStalls().isEmpty()) {
      System.out.println("S3FaultsIT: stalls not ended 15 s after the job: " + proxy.openStalls());
    }
    System.out.println("S3FaultsIT: stalls so far: " + String.join("; ", proxy.stallStories()));
    return faults;
  }

  /** Each kind of fault struck, and every stall was cut by the read timeout, not waited out. */
  private static void assertEveryFaultMetAndEveryStallCut(FaultyS3Proxy.Figures faults) {
    for (FaultyS3Proxy.Fault fault : FaultyS3Proxy.Fault.values()) {
      assertTrue(faults.failed(fault) > 0, "no " + fault + " (fraction " + FRACTION + "): "
          + faults);
    }
    assertEquals(0, faults.stallsNotCut(), faults.toString());
    assertEquals(faults.failed(FaultyS3Proxy.Fault.STALL), faults.stallsCut().size(),
        "every stall ended with the client giving up: " + faults);
    for (Duration stall : faults.stallsCut()) {
      assertTrue(stall.toSeconds() < READ_TIMEOUT_SECONDS + 8,
          "a stall lasted " + stall + " with a read timeout of " + READ_TIMEOUT_SECONDS + " s");
    }
  }
}
