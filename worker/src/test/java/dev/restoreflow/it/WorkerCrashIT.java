package dev.restoreflow.it;

import dev.restoreflow.workflows.activities.ProbackupActivities;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host worker killed with SIGKILL in the middle of ProbackupRestore: a new worker takes the
 * restore over (after the heartbeat timeout) and the steps before it do not run again.
 */
class WorkerCrashIT {

  @Test
  @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
  void killedWorkerDuringRestoreIsReplacedAndTheRestoreCompletesWithoutRedoingEarlierSteps()
      throws Exception {
    try (ItSandbox main1 = ItSandbox.create("main1", "local")) {
      main1.sandbox.loadDemoData(5_000);
      main1.sandbox.backup("FULL");
      Map<String, String> atBackup = main1.sandbox.fingerprint();
      main1.sandbox.sql("truncate transfers; delete from accounts where id > 100");

      var server = ItTemporal.startServer();
      RestoreflowConfig config = ItSandbox.config(server.target(),
          main1.stateDir().resolve("ledger.db"), main1);
      Path configFile = RestoreflowProcess.writeConfig(config, main1.stateDir().resolve("config.json"));
      Path workerLog = main1.stateDir().resolve("worker-process.log");
      try (ItTemporal temporal = ItTemporal.start(server, config, List.of())) {
        main1.throttleRestores(40);
        Submission job;
        try (RestoreflowProcess first = RestoreflowProcess.worker(configFile, "local", workerLog)) {
          job = temporal.restoreflow.submit(RestoreRequest.of("main1").withHost("local"));
          JobWaits.awaitStepUnderWay(temporal.restoreflow, job.jobId(), ProbackupActivities.RESTORE_STEP, 3);
          first.kill9();
          assertTrue(!first.isAlive());
        }
        main1.assertStartRefusedWhileUnfinished(job.jobId());
        main1.throttleRestores(0);
        RestoreResult result;
        try (RestoreflowProcess second = RestoreflowProcess.worker(configFile, "local", workerLog)) {
          result = temporal.restoreflow.await(job.jobId(), Duration.ofMinutes(4));
        }
        assertEquals(JobState.SUCCEEDED, result.state());
        assertTrue(main1.unfinishedRestoreMarker().isEmpty(), "the finished restore removed its marker");
        assertEquals(atBackup, main1.sandbox.fingerprint(), "data verified after the crash");
        assertEquals(1, Histories.scheduled(temporal.client, job.workflowId(), Steps.STOP));
        assertEquals(1, Histories.scheduled(temporal.client, job.workflowId(), Steps.WIPE));
        assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(), Steps.STOP),
            "StopCluster ran once");
        assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(), Steps.WIPE),
            "WipeData ran once");
        List<Integer> restoreAttempts =
            Histories.attempts(temporal.client, job.workflowId(), ProbackupActivities.RESTORE_STEP);
        assertTrue(restoreAttempts.get(0) >= 2, "ProbackupRestore was retried: " + restoreAttempts);
        StepProgress restore = result.steps().stream()
            .filter(s -> s.name().equals(ProbackupActivities.RESTORE_STEP)).findFirst().orElseThrow();
        assertTrue(restore.detail().contains("attempt"), restore.detail());
      }
    }
  }
}
