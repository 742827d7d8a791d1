package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.basebackup.BaseBackupMaker;
import dev.restoreflow.activities.cluster.ClusterControl;
import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.cluster.UnfinishedRestore;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.Workers;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.client.WorkflowFailedException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The data directory's file system fills up while a restore writes into it — a real tmpfs of
 * limited size, filled by a file beside the data directory once the restore step is under way
 * (PlanRestore checked the room before). The step fails at once with DISK_FULL, not retried;
 * nothing else on that file system is touched; once the file system is big enough, the same
 * restore succeeds. FetchS3 (restoreflow's own writes) and ProbackupRestore (pg_probackup's).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DiskFullIT {

  private static final String NAME = "diskfull";
  private static final Duration JOB_LIMIT = Duration.ofSeconds(90);
  /** Room for the backup (PlanRestore checks it), which the filler then takes. */
  private static final String SMALL = "160m";
  private static final String BIG = "512m";

  private ItSandbox sandbox;
  private S3Server s3;
  private BaseBackupConfig s3Repository;
  private Map<String, String> atBackup;

  @BeforeAll
  void backupsOfBothEngines() throws Exception {
    sandbox = ItSandbox.create(NAME, "local");
    sandbox.sandbox.loadDemoData(5_000);
    sandbox.sandbox.backup("FULL");
    s3 = S3Server.start(sandbox.stateDir());
    s3.createBucket("pg-backups");
    // uncompressed: what is downloaded is what is written, so a slow download is a slow restore
    s3Repository = s3.repository("pg-backups", NAME, "none");
    try (ObjectStore store = ObjectStores.open(s3Repository, s3.environment()::get)) {
      new BaseBackupMaker(Clock.systemUTC()).backup(NAME,
          sandbox.instance.withEngine(BaseBackupEngine.NAME).withSettings(s3Repository), store,
          line -> { });
    }
    atBackup = sandbox.sandbox.fingerprint();
    // the restores go to another data directory, with the same port
    sandbox.sandbox.stopCluster();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void aDiskThatFillsDuringProbackupRestoreFailsItAtOnceAndABigEnoughOneThenTakesTheRestore()
      throws Exception {
    fillDuringRestore("probackup", ProbackupActivities.RESTORE_STEP, sandbox.instance,
        () -> sandbox.throttleRestores(25), () -> sandbox.throttleRestores(0));
  }

  @Test
  void aDiskThatFillsDuringFetchS3FailsItAtOnceAndABigEnoughOneThenTakesTheRestore()
      throws Exception {
    try (CountingProxy proxy = new CountingProxy(URI.create(s3.endpoint).getPort(), 0)) {
      BaseBackupConfig viaProxy = new BaseBackupConfig(s3Repository.repository(), proxy.endpoint(),
          null, true, S3Server.ACCESS_KEY_ENV, S3Server.SECRET_KEY_ENV, "none", 2, 5, null);
      fillDuringRestore("basebackup", BaseBackupActivities.FETCH_STEP,
          sandbox.instance.withEngine(BaseBackupEngine.NAME).withSettings(viaProxy),
          () -> proxy.setRate(3_000_000), () -> proxy.setRate(0));
    }
  }

  /**
   * Mounts a small tmpfs, restores into a data directory on it and fills the rest of it once the
   * restore step writes; then grows the tmpfs and restores again. The restored cluster has the
   * sandbox's port: the sandbox's queries reach it.
   */
  private void fillDuringRestore(String engine, String restoreStep, InstanceConfig configured,
      Action slowDown, Action speedUp) throws Exception {
    Path mount = Files.createDirectories(sandbox.stateDir().resolve("small-" + engine));
    run("mount", "-t", "tmpfs", "-o", "size=" + SMALL + ",mode=0755", "tmpfs", mount.toString());
    Path pgdata = mount.resolve(NAME);
    InstanceConfig instance = onPgdata(configured, pgdata);
    try {
      Files.createDirectory(pgdata, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
      run("chown", instance.osUser(), pgdata.toString());
      Path filler = mount.resolve("filler");

      ItServer server = ItTemporal.startServer();
      RestoreflowConfig config = BaseBackups.config(sandbox, instance, server.target());
      Map<String, String> env = s3.environment();
      try (ItTemporal temporal = ItTemporal.start(server, config, List.of(),
          factory -> Workers.addHost(factory, config, "local", env::get))) {
        Submission job;
        long filledAt;
        Map<String, String> besideData;
        slowDown.run();
        try {
          job = temporal.restoreflow.submit(request());
          JobWaits.awaitStep(temporal.restoreflow, job.jobId(), restoreStep);
          awaitFiles(pgdata, 1);
          long filled = fill(filler);
          filledAt = System.nanoTime();
          besideData = outside(mount, pgdata);
          System.out.printf("DiskFullIT %s: filled the file system with %,d bytes during %s%n",
              engine, filled, restoreStep);
        } finally {
          speedUp.run();
        }

        WorkflowFailedException failure = assertThrows(WorkflowFailedException.class,
            () -> temporal.restoreflow.await(job.jobId(), JOB_LIMIT));
        double seconds = (System.nanoTime() - filledAt) / 1e9;
        RestoreProgress progress = temporal.restoreflow.progress(job.jobId());
        System.out.printf("DiskFullIT %s: failed %.1f s after the disk filled: %s%n", engine,
            seconds, progress.message());
        assertEquals("DISK_FULL", Failures.typeOf(failure).orElse(null), failure.toString());
        assertTrue(seconds < 20, "failed " + seconds + " s after the disk filled");
        assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(),
            restoreStep), "a full disk is not retried");
        String message = progress.message();
        assertTrue(message.contains(restoreStep + ": no space left on device while restoring"),
            message);
        assertTrue(message.contains("into " + pgdata + "; its file system (mounted on " + mount
            + ") has 0 B free of "), message);
        assertTrue(message.contains("make room on its file system (or give it a larger one),"
            + " then run a full restore"), message);
        assertEquals(JobState.FAILED, progress.state());
        assertTrue(progress.dataState().startsWith("partly restored"), progress.dataState());
        assertEquals(besideData, outside(mount, pgdata), "nothing beside the data directory"
            + " changed");
        Path marker = Path.of(pgdata + UnfinishedRestore.SUFFIX);
        assertTrue(Files.exists(marker), "the partial restore stays marked unfinished");
        assertFalse(new ClusterControl(new LocalCommandRunner(Redactor.NONE), instance).state()
            == ClusterState.RUNNING, "a partial restore is not started");

        // the same restore, once the file system is big enough
        run("mount", "-o", "remount,size=" + BIG, mount.toString());
        RestoreResult again = temporal.restoreflow.await(
            temporal.restoreflow.submit(request()).jobId(), JOB_LIMIT);
        assertEquals(JobState.SUCCEEDED, again.state());
        assertEquals(atBackup, sandbox.sandbox.fingerprint());
        assertFalse(Files.exists(marker), "a finished restore is not marked");
        Path stamps = pgdata.resolveSibling("." + NAME + ".restoreflow-stamps");
        assertEquals(besideData, outside(mount, pgdata, stamps), "nothing beside the data"
            + " directory changed but the restored files' stamps (a basebackup's), kept for a"
            + " delta restore");
        assertEquals(engine.equals("basebackup"), Files.isDirectory(stamps), "stamps");
      }
    } finally {
      try {
        new ClusterControl(new LocalCommandRunner(Redactor.NONE), instance).stop(true);
      } finally {
        run("umount", mount.toString());
      }
    }
  }

  private static RestoreRequest request() {
    return RestoreRequest.of(NAME).withHost("local").withRequestedVia("api", "DiskFullIT");
  }

  /** Waits until the restore step has written {@code count} files into the data directory. */
  private static void awaitFiles(Path pgdata, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (files(pgdata) < count) {
      assertTrue(System.nanoTime() < deadline, "the restore wrote nothing into " + pgdata);
      Thread.sleep(50);
    }
  }

  private static long files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).count();
    } catch (java.io.UncheckedIOException raced) {
      return 0;   // a file went away while walking: ask again
    }
  }

  /** Writes zeros into {@code file} until the file system is full; returns how many. */
  private static long fill(Path file) throws IOException {
    byte[] zeros = new byte[1 << 20];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(zeros);
        written += zeros.length;
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left on device")) {
        throw full;
      }
    }
    return Files.size(file);
  }

  /**
   * Everything on the file system but the data directory and the unfinished-restore marker
   * beside it, which the restore writes and removes: path, size and modification time.
   */
  private static Map<String, String> outside(Path mount, Path pgdata) throws IOException {
    return outside(mount, pgdata, pgdata);
  }

  /** What is beside {@code pgdata} on the mount, but what is under {@code alsoLeftOut}. */
  private static Map<String, String> outside(Path mount, Path pgdata, Path alsoLeftOut)
      throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(mount)) {
      // the mount point itself changes with the marker written and removed in it
      for (Path p : walk.filter(p -> !p.startsWith(pgdata) && !p.startsWith(alsoLeftOut)
          && !p.equals(mount)).toList()) {
        if (p.getFileName().toString().equals(pgdata.getFileName() + UnfinishedRestore.SUFFIX)) {
          continue;
        }
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
        entries.put(mount.relativize(p).toString(), a.size() + " bytes, modified "
            + a.lastModifiedTime());
      }
    }
    return entries;
  }

  /** The sandbox's instance with its data directory at {@code pgdata}. */
  private static InstanceConfig onPgdata(InstanceConfig i, Path pgdata) {
    return new InstanceConfig(i.engine(), i.host(), pgdata.toString(), null, i.systemdUnit(),
        i.port(), i.osUser(), i.pgBin(), i.serverLog(), i.connectHost(), i.database(), i.dbUser(),
        i.smokeQueries(), i.keepArchiving(), i.promote(), i.stopTimeoutSeconds(),
        i.startTimeoutSeconds(), i.settings(), i.restoreHosts());
  }

  private static void run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
        String.join(" ", argv) + " failed: " + out);
  }

  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }
}
