package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.archive.Compression;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.cluster.DataWiper;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.Workers;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * WipeData off the critical path (issue 18) on a real cluster with thousands of files, restored
 * from basebackup backups in a real S3-compatible server through the workflow: the old data is
 * renamed aside in an instant, the restore is exact, and the old data is gone once the job has
 * succeeded; old data left aside by a job that died is removed by the next restore; without room
 * the wipe deletes, as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class WipeAsideIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(4);

  private ItSandbox main1;
  private S3Server s3;
  private ItTemporal temporal;
  private Path configFile;
  private Path pgdata;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    main1.sandbox.loadDemoData(20_000);
    // thousands of files: 700 tables, each with a heap, a primary key, a TOAST table and index
    main1.sandbox.sql("do $$ begin for i in 1..700 loop execute format("
        + "'create table wide_%s (id int primary key, note text)', i); end loop; end $$");
    s3 = S3Server.start(main1.stateDir());
    s3.createBucket("pg-backups");
    BaseBackupConfig repository = s3.repository("pg-backups", "wipe-aside-it", "none");
    InstanceConfig instance = main1.instance.withEngine(BaseBackupEngine.NAME)
        .withSettings(repository);
    pgdata = Path.of(instance.pgdata());
    configFile = BaseBackups.writeConfig(main1, BaseBackups.config(main1, instance, "127.0.0.1:1"));
    ItServer server = ItTemporal.startServer();
    RestoreflowConfig withServer = BaseBackups.config(main1, instance, server.target());
    Map<String, String> env = s3.environment();
    temporal = ItTemporal.start(server, withServer, List.of(),
        factory -> Workers.addHost(factory, withServer, "local", env::get));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (temporal != null) {
      temporal.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (main1 != null) {
      main1.close();
    }
  }

  @Test
  @Order(1)
  void aFullRestoreMovesTheOldDataAsideInAnInstantIsExactAndLeavesNoOldData() throws Exception {
    String id = backup();
    Map<String, String> atBackup = main1.sandbox.fingerprint();
    main1.sandbox.sql("drop table transfers; delete from accounts where id > 10;"
        + " create table stray (x int); insert into stray values (1)");
    assertNotEquals(atBackup, main1.sandbox.fingerprint());
    long files = filesBelow(pgdata);
    assertTrue(files > 3000, "a cluster with thousands of files: " + files);

    RestoreResult result = restore(id);

    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals(atBackup, main1.sandbox.fingerprint(), "restored exactly");
    StepProgress wipe = step(result, Steps.WIPE);
    assertTrue(wipe.detail().startsWith("moved "), wipe.detail());
    assertTrue(wipe.detail().contains(" entries aside to " + pgdata.resolveSibling(
        "." + pgdata.getFileName() + ".restoreflow-old-" + result.jobId()) + " "),
        wipe.detail());
    long took = wipe.endedAtMillis() - wipe.startedAtMillis();
    assertTrue(took < 100, "WipeData of " + files + " files took " + took + " ms");
    assertEquals(List.of(), asideDirectories(), "the old data is gone after the job");
    assertEquals("SUCCEEDED", temporal.ledger.job(result.jobId()).orElseThrow().status());
  }

  @Test
  @Order(2)
  void oldDataLeftAsideByAJobKilledAfterTheMoveIsRemovedByTheNextRestore() throws Exception {
    String id = backup();
    Map<String, String> atBackup = main1.sandbox.fingerprint();
    main1.sandbox.sql("update accounts set balance = 0");
    // what a job killed in the middle of its move leaves: the cluster stopped, some entries of
    // the data directory in its aside directory, the others still in place
    main1.sandbox.cluster().stop(true);
    Path killed = pgdata.resolveSibling("." + pgdata.getFileName()
        + ".restoreflow-old-main1-killed-1");
    Files.createDirectory(killed);
    for (String entry : List.of("base", "global", "PG_VERSION")) {
      Files.move(pgdata.resolve(entry), killed.resolve(entry));
    }
    new LocalCommandRunner(Redactor.NONE).runChecked(dev.restoreflow.activities.exec.Command.of(
        List.of("chown", "-R", "--no-dereference", ownerOf(pgdata), killed.toString()), null,
        Duration.ofSeconds(30)));

    RestoreResult result = restore(id);

    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals(atBackup, main1.sandbox.fingerprint(), "restored exactly");
    StepProgress wipe = step(result, Steps.WIPE);
    assertTrue(wipe.detail().contains("deleted old data left aside by earlier jobs: "
        + killed.getFileName()), wipe.detail());
    assertEquals(List.of(), asideDirectories());
  }

  @Test
  @Order(3)
  void withoutRoomForTheRestoreBesideTheOldDataTheWipeDeletesAsBefore() throws Exception {
    String id = backup();
    Map<String, String> atBackup = main1.sandbox.fingerprint();
    main1.sandbox.cluster().stop(true);
    InstanceConfig instance = main1.instance;
    DataWiper wiper = new DataWiper(new LocalCommandRunner(Redactor.NONE), instance,
        main1.sandbox.cluster());
    long moreThanTheDisk = Files.getFileStore(pgdata).getTotalSpace();

    String done = wiper.wipe(pgdata.toString(), () -> { }, "main1-no-room-1", moreThanTheDisk);

    assertTrue(done.startsWith("removed "), done);
    assertTrue(done.contains("(not moved aside: no room for the restore beside the old data"),
        done);
    assertEquals(0, filesBelow(pgdata));
    assertEquals(List.of(), asideDirectories());
    // and a job restores the emptied directory
    assertEquals(JobState.SUCCEEDED, restore(id).state());
    assertEquals(atBackup, main1.sandbox.fingerprint());
  }

  private List<String> asideDirectories() throws Exception {
    String prefix = "." + pgdata.getFileName() + ".restoreflow-old-";
    try (Stream<Path> siblings = Files.list(pgdata.getParent())) {
      return siblings.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix))
          .sorted().toList();
    }
  }

  private static long filesBelow(Path dir) throws Exception {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> !p.equals(dir)).count();
    }
  }

  private static String ownerOf(Path path) throws Exception {
    return Files.getOwner(path).getName();
  }

  private static StepProgress step(RestoreResult result, String name) {
    return result.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private String backup() throws Exception {
    return BaseBackups.backup(configFile, s3, "main1", Compression.NONE.configName()).id();
  }

  private RestoreResult restore(String backupId) throws Exception {
    Submission job = temporal.restoreflow.submit(RestoreRequest.of("main1").withHost("local")
        .withBackupId(backupId));
    return temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
  }
}
