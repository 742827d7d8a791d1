package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal server is down for a minute in the middle of ProbackupRestore (the real dev server,
 * stopped and started again on the same state and address): the restore goes on the whole time —
 * the same pg_probackup process, never started again — its heartbeats resume once the server is
 * back (the attempt Temporal timed out meanwhile is taken over by the next one), and the job
 * completes with the data verified.
 */
class TemporalDownIT {

  private static final Logger log = LoggerFactory.getLogger(TemporalDownIT.class);
  private static final Duration OUTAGE = Duration.ofSeconds(60);
  /** How long the throttled restore takes: the outage, plus time before and after it. */
  private static final Duration RESTORE_TIME = Duration.ofSeconds(80);

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aRestoreRunsOnThroughAMinuteWithoutTemporalAndCompletesWithoutStartingAgain() throws Exception {
    try (ItSandbox main1 = ItSandbox.create("main1", "local")) {
      main1.sandbox.loadDemoData(5_000);
      main1.sandbox.backup("FULL");
      Map<String, String> atBackup = main1.sandbox.fingerprint();
      main1.sandbox.sql("truncate transfers; delete from accounts where id > 100");

      Path output = main1.stateDir().resolve("processes.log");
      try (DevServerRig temporal = DevServerRig.start(main1);
          RestoreflowProcess server = RestoreflowProcess.server(temporal.configFile, output);
          RestoreflowProcess worker = RestoreflowProcess.worker(temporal.configFile, "local",
              output)) {
        RestoreflowClient restoreflow = temporal.restoreflow;
        main1.throttleRestoresToTake(RESTORE_TIME);
        Submission job = restoreflow.submit(RestoreRequest.of("main1").withHost("local")
            .withRequestedVia("api", "TemporalDownIT"));
        JobWaits.awaitStepUnderWay(restoreflow, job.jobId(), ProbackupActivities.RESTORE_STEP, 3);
        ProcessHandle restore = probackupRestore(main1).orElseThrow(
            () -> new AssertionError("no pg_probackup restore is running"));

        temporal.stopServer();
        Instant down = Instant.now();
        while (Duration.between(down, Instant.now()).compareTo(OUTAGE) < 0) {
          assertTrue(restore.isAlive(), "pg_probackup (pid " + restore.pid() + ") ended "
              + Duration.between(down, Instant.now()).toSeconds() + " s into the outage");
          Thread.sleep(1000);
        }
        String targetBefore = temporal.target();
        temporal.startServerAgain();
        Instant up = Instant.now();
        assertEquals(targetBefore, temporal.target(), "same state, same address");

        PendingActivityInfo beat = awaitHeartbeatAfter(temporal.client, job.workflowId(), up);
        log.info("heartbeat {} s after Temporal came back, attempt {}",
            beat.getLastHeartbeatTime().getSeconds() - up.getEpochSecond(), beat.getAttempt());
        assertTrue(restore.isAlive(), "the same pg_probackup (pid " + restore.pid() + ") runs on");

        RestoreResult result = restoreflow.await(job.jobId(), Duration.ofMinutes(2));
        assertEquals(JobState.SUCCEEDED, result.state(), result.message());
        assertEquals(atBackup, main1.sandbox.fingerprint(), "data verified");
        assertEquals(1, main1.recordedInvocations().stream()
            .filter(argv -> argv.startsWith("restore ")).count(),
            "one pg_probackup restore, never killed nor started again: "
                + main1.recordedInvocations());
        log.info("ProbackupRestore ended on attempt {}: {}", Histories.attempts(temporal.client,
            job.workflowId(), ProbackupActivities.RESTORE_STEP), result.steps());
      } finally {
        if (Files.exists(output)) {   // not when the dev server did not start
          Files.createDirectories(Path.of("target", "it-logs"));
          Files.copy(output, Path.of("target", "it-logs", "TemporalDownIT-processes.log"),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** The pg_probackup restore into this sandbox's data directory (not its runuser parent). */
  private static Optional<ProcessHandle> probackupRestore(ItSandbox sandbox) {
    String pgdata = sandbox.instance.pgdata();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(line -> line.contains("pg_probackup")
            && line.contains(" restore ") && line.contains(" -D " + pgdata + " ")
            && !line.startsWith("runuser")).orElse(false))
        .findFirst();
  }

  /** Waits until the running step records a heartbeat later than {@code since}. */
  private static PendingActivityInfo awaitHeartbeatAfter(WorkflowClient client,
      String workflowId, Instant since) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    PendingActivityInfo last = null;
    while (System.nanoTime() < deadline) {
      try {
        for (PendingActivityInfo activity : Histories.pendingActivities(client, workflowId)) {
          if (activity.getActivityType().getName().equals(ProbackupActivities.RESTORE_STEP)) {
            last = activity;
            if (activity.hasLastHeartbeatTime()
                && activity.getLastHeartbeatTime().getSeconds() > since.getEpochSecond()) {
              return activity;
            }
          }
        }
      } catch (io.grpc.StatusRuntimeException notYet) {
        // the server is still starting up
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no heartbeat of " + ProbackupActivities.RESTORE_STEP
        + " within 45 s after Temporal came back; last seen: " + last);
  }
}
