package dev.restoreflow.it;

import dev.restoreflow.workflows.activities.ProbackupActivities;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.temporal.TemporalCliServer;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Everything dies at once: during ProbackupRestore the Temporal dev server, {@code restoreflow
 * server} and the host worker are SIGKILLed; started again on the same state, the restore
 * completes, the steps before the kill do not run again, and the data is verified.
 */
class DurabilityIT {

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void aRestoreSurvivesKill9OfTheTemporalServerTheRestoreflowServerAndTheWorker() throws Exception {
    try (ItSandbox main1 = ItSandbox.create("main1", "local")) {
      main1.sandbox.loadDemoData(5_000);
      main1.sandbox.backup("FULL");
      Map<String, String> atBackup = main1.sandbox.fingerprint();
      main1.sandbox.sql("truncate transfers; delete from accounts where id > 100");

      Path temporalState = main1.stateDir().resolve("temporal");
      Path ledgerFile = main1.stateDir().resolve("ledger.db");
      Path log = main1.stateDir().resolve("processes.log");
      TemporalCliServer temporal = TemporalCliServer.start(ItServer.temporalCli(), temporalState);
      RestoreflowConfig config = ItSandbox.config(temporal.target(), ledgerFile, main1);
      Path configFile = RestoreflowProcess.writeConfig(config, main1.stateDir().resolve("config.json"));
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
      WorkflowClient client = WorkflowClient.newInstance(service);
      RestoreflowClient restoreflow = new RestoreflowClient(client);
      Submission job;
      try {
        main1.throttleRestores(40);
        try (RestoreflowProcess server = RestoreflowProcess.server(configFile, log);
            RestoreflowProcess worker = RestoreflowProcess.worker(configFile, "local", log)) {
          job = restoreflow.submit(RestoreRequest.of("main1").withHost("local")
              .withRequestedVia("api", "DurabilityIT"));
          JobWaits.awaitStepUnderWay(restoreflow, job.jobId(), ProbackupActivities.RESTORE_STEP, 3);
          temporal.kill();
          server.kill9();
          worker.kill9();
          assertTrue(!server.isAlive() && !worker.isAlive());
        }
        main1.throttleRestores(0);

        String targetBefore = temporal.target();
        temporal = TemporalCliServer.start(ItServer.temporalCli(), temporalState);
        assertEquals(targetBefore, temporal.target(), "same state, same address");
        RestoreResult result;
        try (RestoreflowProcess server = RestoreflowProcess.server(configFile, log);
            RestoreflowProcess worker = RestoreflowProcess.worker(configFile, "local", log)) {
          result = restoreflow.await(job.jobId(), Duration.ofMinutes(5));
        }
        assertEquals(JobState.SUCCEEDED, result.state());
        assertEquals(atBackup, main1.sandbox.fingerprint(), "data verified after the crash");
        for (String step : List.of(Steps.PLAN, Steps.STOP, Steps.WIPE)) {
          assertEquals(1, Histories.scheduled(client, job.workflowId(), step), step + " scheduled once");
          assertEquals(List.of(1), Histories.attempts(client, job.workflowId(), step),
              step + " ran once, before the kill");
        }
        List<Integer> restoreAttempts = Histories.attempts(client, job.workflowId(), ProbackupActivities.RESTORE_STEP);
        assertTrue(restoreAttempts.get(0) >= 2, "ProbackupRestore was retried: " + restoreAttempts);
        try (JobLedger ledger = new JobLedger(ledgerFile)) {
          assertEquals("SUCCEEDED", ledger.job(job.jobId()).orElseThrow().status(),
              "the restarted server finished the ledger's record");
        }
      } finally {
        service.shutdownNow();
        temporal.close();
      }
    }
  }
}
