package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.archive.Chunk;
import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BackupObject;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.FetchCheckpoint;
import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of the host worker during FetchS3: the retry goes on from the restart point its last
 * heartbeat recorded. Downloads are counted by a proxy in front of the S3 server, not assumed.
 */
class FetchS3CrashIT {

  private static final long MIB = 1 << 20;

  @Test
  @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
  void aKilledWorkersFetchResumesFromItsHeartbeatAndRedownloadsLittle() throws Exception {
    ItServer server = ItTemporal.startServer();
    try (ProxiedS3Backup backedUp = ProxiedS3Backup.create("crash-it", 20_000,
        server.target())) {
      ItSandbox main1 = backedUp.main1;
      S3Server s3 = backedUp.s3;
      CountingProxy proxy = backedUp.proxy;
      BaseBackupConfig repository = backedUp.repository;
      RestoreflowConfig config = backedUp.config;
      Path configFile = backedUp.configFile;
      BackupMeta meta = backedUp.backup;
      BackupObject object = meta.objects().get(0);
      assertTrue(object.chunks().size() >= 3, "a tarball of several chunks: " + object.chunks());
      Map<String, String> atBackup = main1.sandbox.fingerprint();
      main1.sandbox.sql("drop table transfers");

      Path workerLog = main1.stateDir().resolve("worker-process.log");
      long perConnection = 1_500_000;   // x 2 parallel ranges: ~3 MB/s, a fetch of ~15 s
      try (ItTemporal temporal = ItTemporal.start(server, config, List.of())) {
        proxy.setRate(perConnection);
        proxy.resetCount();
        Submission job;
        long atKill;
        try (RestoreflowProcess first = RestoreflowProcess.worker(configFile, "local", workerLog,
            s3.environment())) {
          job = temporal.restoreflow.submit(RestoreRequest.of("main1").withHost("local"));
          JobWaits.awaitStep(temporal.restoreflow, job.jobId(), BaseBackupActivities.FETCH_STEP);
          // kill only once the server holds a heartbeat past the first chunk: what is tested is
          // that the retry resumes from it, not how fast the worker heartbeats
          FetchCheckpoint beat = awaitHeartbeatedChunk(temporal,
              TaskQueues.restoreWorkflowId(job.jobId()), 1);
          first.kill9();
          // the contract's progress figures (issue 19): the object's bytes downloaded of all
          assertEquals(object.size(), beat.bytesTotal(), beat.toString());
          assertTrue(beat.bytesDone() >= object.chunks().get(1).storedOffset()
              && beat.bytesDone() < object.size(), beat.toString());
          atKill = proxy.bytesFromServer();
        }
        assertHalfRestoredDirectoryCannotBeStarted(main1, job);
        proxy.setRate(0);
        RestoreResult result;
        try (RestoreflowProcess second = RestoreflowProcess.worker(configFile, "local", workerLog,
            s3.environment())) {
          result = temporal.restoreflow.await(job.jobId(), Duration.ofMinutes(4));
        }
        long total = proxy.bytesFromServer();
        assertEquals(JobState.SUCCEEDED, result.state());
        assertEquals(atBackup, main1.sandbox.fingerprint(), "data verified after the crash");

        StepProgress fetch = result.steps().stream().filter(s -> s.name()
            .equals(BaseBackupActivities.FETCH_STEP))
            .findFirst().orElseThrow();
        Matcher resumed = Pattern.compile("resumed at object 0 chunk (\\d+)")
            .matcher(fetch.detail());
        assertTrue(resumed.find(), fetch.detail());
        Chunk restartPoint = object.chunks().get(Integer.parseInt(resumed.group(1)));
        assertTrue(restartPoint.storedOffset() > 0, "resumed past the start: " + fetch.detail());
        assertTrue(Pattern.compile("\\d+ files verified against backup_manifest \\((\\d+) read back"
            + " from disk\\)").matcher(fetch.detail()).find(),
            "the files of the killed attempt are checked from disk: " + fetch.detail());
        long redownloaded = total - object.size();
        long readAhead = repository.parallelDownloads() * ((long) repository.partSizeMiB() << 20);
        // what came after the restart point before the kill, and nothing before it
        long afterRestartPoint = atKill - restartPoint.storedOffset();
        String figures = String.format("object %,d bytes; downloaded %,d before the kill, %,d in all;"
            + " re-downloaded %,d; restart point at %,d", object.size(), atKill, total,
                redownloaded,
            restartPoint.storedOffset());
        System.out.println("FetchS3CrashIT: " + figures);
        assertTrue(redownloaded <= afterRestartPoint + readAhead + MIB, figures);
        // one heartbeat interval (2 s) at the download rate, plus the chunk and read-ahead
        long interval = 2 * 2 * perConnection;
        assertTrue(redownloaded <= interval + 16 * MIB + readAhead + MIB, figures);
      }
    }
  }

  /**
   * Neither restoreflow nor a person with pg_ctl starts PostgreSQL on a fetch that did not
   * finish: StartCluster sees the marker, and pg_control is not there yet (it is written last).
   */
  private static void assertHalfRestoredDirectoryCannotBeStarted(ItSandbox main1, Submission job)
      throws Exception {
    main1.assertStartRefusedWhileUnfinished(job.jobId());
    assertFalse(Files.exists(Path.of(main1.instance.pgdata(), "global", "pg_control")),
        "pg_control is written last");
    Path serverLog = Path.of(main1.instance.serverLog());
    long logBefore = Files.exists(serverLog) ? Files.size(serverLog) : 0;
    CommandResult byHand = main1.startByHand();
    assertNotEquals(0, byHand.exitCode(), "pg_ctl start on a half-restored directory: "
        + byHand.stdout() + byHand.stderrTail());
    assertNotEquals(ClusterState.RUNNING, main1.sandbox.cluster().state());
    String said = Files.readString(serverLog).substring((int) logBefore);
    assertTrue(said.contains("pg_control") || said.contains("postgresql.conf"),
        "PostgreSQL says what is missing: " + said);
  }

  private static FetchCheckpoint awaitHeartbeatedChunk(ItTemporal temporal, String workflowId,
      int chunk) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      Optional<FetchCheckpoint> beat = heartbeat(temporal, workflowId);
      if (beat.isPresent() && beat.get().chunk() >= chunk) {
        return beat.get();
      }
      assertTrue(System.nanoTime() < deadline, "no FetchS3 heartbeat past chunk " + chunk);
      Thread.sleep(100);
    }
  }

  private static Optional<FetchCheckpoint> heartbeat(ItTemporal temporal, String workflowId) {
    return Histories.pendingActivities(temporal.client, workflowId).stream()
        .filter(activity -> activity.getActivityType().getName().equals("FetchS3"))
        .filter(activity -> activity.hasHeartbeatDetails())
        .map(activity -> Histories.heartbeatDetails(activity, FetchCheckpoint.class))
        .findFirst();
  }
}
