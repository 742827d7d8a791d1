package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.cluster.ClusterControl;
import dev.restoreflow.activities.cluster.UnfinishedRestore;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.ConfigLoader;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.sandbox.DataFingerprint;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code restoreflow dev} is stopped (SIGTERM) while a restore runs ProbackupRestore with four
 * jobs queued behind it, and started again on the same state: it comes up without starting the
 * half-restored sandbox cluster (and says why), the jobs in flight resume on its Temporal state,
 * and all five end SUCCEEDED with the data verified.
 */
class DevRestartIT {

  private static final Path ROOT = Path.of("/var/tmp/restoreflow-it");
  private static final String UP = "restoreflow dev is up";

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void devStoppedMidRestoreComesBackWithoutStartingTheClusterAndItsJobsComplete()
      throws Exception {
    Files.createDirectories(ROOT);
    Path state = ROOT.resolve("dev-" + UUID.randomUUID().toString().substring(0, 8));
    Path firstRun = ROOT.resolve(state.getFileName() + "-run1.out");
    Path secondRun = ROOT.resolve(state.getFileName() + "-run2.out");
    Map<String, String> env = Map.of("RESTOREFLOW_TEMPORAL_CLI", ItServer.temporalCli().toString());
    RestoreflowProcess dev = RestoreflowProcess.dev(state, firstRun, env);
    InstanceConfig main1 = null;
    try {
      awaitLine(dev, firstRun, UP, Duration.ofMinutes(3));
      RestoreflowConfig config = ConfigLoader.load(state.resolve("config.json"));
      main1 = config.instances().get("main1");
      ClusterControl cluster = new ClusterControl(new LocalCommandRunner(Redactor.NONE), main1);
      Map<String, String> atBackup = DataFingerprint.of(cluster);
      cluster.queryValue("delete from accounts where id % 3 = 0; truncate transfers");
      throttleRestores(state, 30);

      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(config.temporal().target()).build());
      try {
        RestoreflowClient restoreflow = new RestoreflowClient(WorkflowClient.newInstance(service));
        List<Submission> restores = new ArrayList<>();
        restores.add(restoreflow.submit(request()));
        // queued behind it (incremental restores: quick once the full one has run)
        restores.add(restoreflow.submit(request().withIncremental(true)));
        Submission backup = restoreflow.submitBackup(BackupRequest.of("main1").withType("DELTA"));
        restores.add(restoreflow.submit(request().withIncremental(true)));
        restores.add(restoreflow.submit(request().withIncremental(true)));
        String restoring = restores.get(0).jobId();
        JobWaits.awaitStep(restoreflow, restoring, ProbackupActivities.RESTORE_STEP);
        awaitFilesRestored(Path.of(main1.pgdata()), 50);
        Path serverLog = Path.of(main1.serverLog());
        long logAtStop = Files.size(serverLog);
        dev.terminate(Duration.ofSeconds(60));
        Path marker = Path.of(UnfinishedRestore.path(main1));
        assertTrue(Files.exists(marker), "the restore left its unfinished-restore marker");

        dev = RestoreflowProcess.dev(state, secondRun, env);
        String output = awaitLine(dev, secondRun, UP, Duration.ofMinutes(2));
        assertTrue(output.contains("sandbox cluster main1 not started: job " + restoring
            + " is restoring it"), output);
        assertEquals(logAtStop, Files.size(serverLog),
            "dev did not try to start the cluster: " + Files.readString(serverLog));

        for (Submission job : restores) {
          RestoreResult result = restoreflow.await(job.jobId(), Duration.ofMinutes(3));
          assertEquals(JobState.SUCCEEDED, result.state(), job.jobId() + ": " + result.message());
        }
        assertEquals(JobState.SUCCEEDED,
            restoreflow.awaitBackup(backup.jobId(), Duration.ofMinutes(1)).state());
        assertEquals(atBackup, DataFingerprint.of(cluster), "data verified");
        assertTrue(!Files.exists(marker), "the resumed restore removed its marker");
        String afterStop = Files.readString(serverLog).substring((int) logAtStop);
        assertEquals(restores.size(), afterStop.lines()
                .filter(line -> line.contains("starting PostgreSQL")).count(),
            "only the restores started the cluster after dev's restart: " + afterStop);
        ObservedOverHttp.assertServed(output, restores.size());
      } finally {
        service.shutdownNow();
      }
    } finally {
      dev.close();
      cleanUp(state, main1);
    }
  }

  private static RestoreRequest request() {
    return RestoreRequest.of("main1").withRequestedVia("api", "DevRestartIT");
  }

  /**
   * Slows the sandbox's restores down: its pg_probackup (the simulator, which dev copies there at
   * each start) is wrapped so that it sleeps after each file.
   */
  private static void throttleRestores(Path state, int millisPerFile) throws IOException {
    Path bin = state.resolve("bin");
    Path simulator = bin.resolve("pg_probackup-simulator");
    Files.copy(bin.resolve("pg_probackup"), simulator, StandardCopyOption.REPLACE_EXISTING);
    Path wrapper = bin.resolve("pg_probackup.wrapper");
    Files.writeString(wrapper, """
        #!/usr/bin/env bash
        export PG_PROBACKUP_SIM_THROTTLE_MS=%d
        exec '%s' "$@"
        """.formatted(millisPerFile, simulator));
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.move(wrapper, bin.resolve("pg_probackup"), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /** Waits until the restore has written this many files: the data directory is half-restored. */
  private static void awaitFilesRestored(Path pgdata, int files) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < deadline) {
      try (Stream<Path> walk = Files.walk(pgdata)) {
        if (walk.filter(Files::isRegularFile).count() >= files) {
          return;
        }
      } catch (IOException | java.io.UncheckedIOException changing) {
        // files come and go while the restore runs
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the restore wrote fewer than " + files + " files in a minute");
  }

  /** Waits until the process prints {@code line}; returns its output so far. */
  private static String awaitLine(RestoreflowProcess process, Path output, String line,
      Duration within) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.readString(output);
      if (text.contains(line)) {
        return text;
      }
      if (!process.isAlive()) {
        throw new AssertionError("restoreflow dev ended before \"" + line + "\":\n" + text);
      }
      Thread.sleep(250);
    }
    throw new AssertionError("restoreflow dev did not print \"" + line + "\" within " + within
        + ":\n" + Files.readString(output));
  }

  private static void cleanUp(Path state, InstanceConfig main1) throws IOException {
    if (main1 != null) {
      try {
        new ClusterControl(new LocalCommandRunner(Redactor.NONE), main1).stop(true);
      } catch (RuntimeException alreadyStopped) {
        // nothing to stop
      }
    }
    // a dev that did not end cleanly leaves its Temporal dev server running
    String temporalState = state.resolve("temporal").toString();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(l -> l.contains(temporalState)).orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
    Files.createDirectories(Path.of("target", "it-logs"));
    for (String run : List.of("-run1.out", "-run2.out")) {
      Path out = ROOT.resolve(state.getFileName() + run);
      if (Files.exists(out)) {
        Files.move(out, Path.of("target", "it-logs", "DevRestartIT" + run),
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path log = state.resolve("Logs").resolve("restoreflow.log");
    if (Files.exists(log)) {
      Files.copy(log, Path.of("target", "it-logs", "DevRestartIT-restoreflow.log"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    Path temporalLog = state.resolve("temporal").resolve("temporal-server.log");
    if (Files.exists(temporalLog)) {
      Files.copy(temporalLog, Path.of("target", "it-logs", "DevRestartIT-temporal-server.log"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.exists(state)) {
      try (Stream<Path> walk = Files.walk(state)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
