package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.basebackup.BaseBackupMaker;
import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.client.WorkflowFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A restore whose instance settings PostgreSQL rejects: the restored cluster will not start.
 * StartCluster fails once, with CLUSTER_START_FAILED quoting the end of the server's log, instead
 * of five identical attempts; with the setting fixed, the same restore succeeds.
 */
class WontStartIT {

  private static final Duration JOB_LIMIT = Duration.ofSeconds(90);

  @Test
  @Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
  void aSettingPostgresqlRejectsFailsStartClusterOnceQuotingTheServerLog() throws Exception {
    try (ItSandbox sandbox = ItSandbox.create("wontstart", "local")) {
      sandbox.sandbox.loadDemoData(2_000);
      Path repository = Files.createDirectories(sandbox.stateDir().resolve("repository"));
      InstanceConfig rejected = basebackup(sandbox, repository, Map.of("shared_buffers", "lots"));
      try (ObjectStore store = ObjectStores.open(rejected.settings(BaseBackupConfig.class),
          name -> null)) {
        new BaseBackupMaker(Clock.systemUTC()).backup("wontstart", rejected, store, line -> { });
      }
      Map<String, String> atBackup = sandbox.sandbox.fingerprint();
      sandbox.sandbox.sql("drop table transfers");

      Submission job;
      ItServer server = ItTemporal.startServer();
      try (ItTemporal temporal = ItTemporal.start(server,
          BaseBackups.config(sandbox, rejected, server.target()), List.of("local"))) {
        job = temporal.restoreflow.submit(request());
        long submitted = System.nanoTime();
        WorkflowFailedException failure = assertThrows(WorkflowFailedException.class,
            () -> temporal.restoreflow.await(job.jobId(), JOB_LIMIT));
        long seconds = (System.nanoTime() - submitted) / 1_000_000_000;

        assertEquals("CLUSTER_START_FAILED", Failures.typeOf(failure).orElse(null),
            failure.toString());
        assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(),
            Steps.START), "a cluster that refuses to start is not started again and again");
        String message = temporal.restoreflow.progress(job.jobId()).message();
        System.out.println("WontStartIT: failed in " + seconds + " s: " + message);
        assertTrue(message.contains("Last lines of " + sandbox.instance.serverLog() + ":"),
            message);
        assertTrue(message.contains("invalid value for parameter \"shared_buffers\": \"lots\""),
            "the server log's own words: " + message);
        assertTrue(message.contains("FATAL:  configuration file"), message);

        RestoreProgress progress = temporal.restoreflow.progress(job.jobId());
        assertEquals(JobState.FAILED, progress.state());
        // since issue 18 the state also says where WipeData put the old data (kept: the job failed)
        assertTrue(progress.dataState().startsWith("restored, cluster stopped; old data: WipeData "),
            progress.dataState());
        assertEquals(ClusterState.STOPPED, sandbox.sandbox.cluster().state());
      }

      // what the message says to do: fix the setting, run the restore again
      ItServer again = ItTemporal.startServer();
      InstanceConfig fixed = basebackup(sandbox, repository, Map.of("shared_buffers", "64MB"));
      try (ItTemporal temporal = ItTemporal.start(again,
          BaseBackups.config(sandbox, fixed, again.target()), List.of("local"))) {
        RestoreResult result = temporal.restoreflow.await(
            temporal.restoreflow.submit(request()).jobId(), JOB_LIMIT);
        assertEquals(JobState.SUCCEEDED, result.state());
        assertEquals(atBackup, sandbox.sandbox.fingerprint());
        assertEquals("64MB", sandbox.sandbox.sql("show shared_buffers"));
      }
    }
  }

  private static RestoreRequest request() {
    return RestoreRequest.of("wontstart").withHost("local").withRequestedVia("api", "WontStartIT");
  }

  private static InstanceConfig basebackup(ItSandbox sandbox, Path repository,
      Map<String, String> settings) {
    return sandbox.instance.withEngine(BaseBackupEngine.NAME).withSettings(new BaseBackupConfig(
        "file://" + repository, null, null, null, null, null, "zstd", null, null, settings));
  }
}
