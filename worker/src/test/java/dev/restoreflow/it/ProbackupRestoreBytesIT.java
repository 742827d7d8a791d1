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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A throttled full pg_probackup restore (issue 19): pg_probackup prints no byte figures, so the
 * step's heartbeat carries the data directory's growth ({@code du}) as {@code bytesDone} against
 * the backup's size from {@code show} as {@code bytesTotal} — read here from Temporal as the CLI
 * reads it, moving while the restore runs.
 */
class ProbackupRestoreBytesIT {

  /** How long the throttled restore takes: several of the data directory's measurements. */
  private static final Duration RESTORE_TIME = Duration.ofSeconds(25);

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aFullRestoresHeartbeatSaysItsBytesGrowingTowardsTheBackupsSize() throws Exception {
    try (ItSandbox main1 = ItSandbox.create("main1", "local")) {
      main1.sandbox.loadDemoData(5_000);
      main1.sandbox.backup("FULL");
      Map<String, String> atBackup = main1.sandbox.fingerprint();
      main1.sandbox.sql("truncate transfers");

      Path output = main1.stateDir().resolve("processes.log");
      try (DevServerRig rig = DevServerRig.start(main1);
          RestoreflowProcess server = RestoreflowProcess.server(rig.configFile, output);
          RestoreflowProcess worker = RestoreflowProcess.worker(rig.configFile, "local", output)) {
        RestoreflowClient restoreflow = rig.restoreflow;
        main1.throttleRestoresToTake(RESTORE_TIME);
        Submission job = restoreflow.submit(RestoreRequest.of("main1").withHost("local")
            .withRequestedVia("api", "ProbackupRestoreBytesIT"));
        List<long[]> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline
            && !restoreflow.progress(job.jobId()).state().isFinal()) {
          restoreBytes(rig.client, job.workflowId()).ifPresent(bytes -> {
            if (seen.isEmpty() || seen.get(seen.size() - 1)[0] != bytes[0]) {
              seen.add(bytes);
            }
          });
          Thread.sleep(500);
        }
        RestoreResult result = restoreflow.await(job.jobId(), Duration.ofMinutes(1));
        assertEquals(JobState.SUCCEEDED, result.state(), result.message());
        assertEquals(atBackup, main1.sandbox.fingerprint());

        String figures = seen.stream().map(b -> b[0] + "/" + b[1]).toList().toString();
        long total = seen.stream().mapToLong(b -> b[1]).max().orElse(0);
        assertTrue(total > 1 << 20, "the backup's size from show: " + figures);
        assertTrue(seen.stream().allMatch(b -> b[1] == total && b[0] <= total), figures);
        long growing = seen.stream().filter(b -> b[0] > 0).count();
        assertTrue(growing >= 2, "the data directory measured growing while the restore ran: "
            + figures);
        for (int i = 1; i < seen.size(); i++) {
          assertTrue(seen.get(i)[0] > seen.get(i - 1)[0], "bytes only go up: " + figures);
        }
        String detail = result.steps().stream()
            .filter(s -> s.name().equals(ProbackupActivities.RESTORE_STEP)).findFirst()
            .orElseThrow().detail();
        assertTrue(detail.matches(".*; \\d+\\.\\d (KiB|MiB|GiB) written.*"), detail);
      }
    }
  }

  /** ProbackupRestore's {bytesDone, bytesTotal} as its last heartbeat says, if it runs. */
  private static Optional<long[]> restoreBytes(WorkflowClient client, String workflowId) {
    for (PendingActivityInfo activity : Histories.pendingActivities(client, workflowId)) {
      if (activity.getActivityType().getName().equals(ProbackupActivities.RESTORE_STEP)
          && activity.hasHeartbeatDetails()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> details = Histories.heartbeatDetails(activity, Map.class);
        return Optional.of(new long[] {((Number) details.get("bytesDone")).longValue(),
            ((Number) details.get("bytesTotal")).longValue()});
      }
    }
    return Optional.empty();
  }
}
