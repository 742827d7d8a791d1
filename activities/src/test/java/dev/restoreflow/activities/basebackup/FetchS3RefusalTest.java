package dev.restoreflow.activities.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.archive.TestTar;
import dev.restoreflow.activities.basebackup.BaseBackupActivitiesImpl;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.basebackup.TestRepository;
import dev.restoreflow.activities.cluster.UnfinishedRestore;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.Inventory;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.activities.host.HostRunners;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepInput;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real FetchS3 activity on a crafted backup in a file:// repository: a tarball that climbs
 * out of the data directory through its own links fails the step as OBJECT_CORRUPT, not retried,
 * and nothing lands outside.
 */
class FetchS3RefusalTest {

  @TempDir
  Path dir;
  private TestActivityEnvironment environment;
  private BaseBackupActivities activities;
  private TestRepository repository;
  private Path pgdata;

  @BeforeEach
  void activityOnALocalHost() throws Exception {
    repository = new TestRepository(Files.createDirectories(dir.resolve("repo")));
    pgdata = Files.createDirectories(dir.resolve("o1/o2/o3/o4/o5/o6/pgdata"));
    InstanceConfig instance = new InstanceConfig(BaseBackupEngine.NAME, "db1",
        pgdata.toString(), null, null, 5432, "postgres", "/usr/lib/postgresql/15/bin", null,
        "127.0.0.1", "postgres", "postgres", List.of(), false, true, 60, 60,
        new BaseBackupConfig("file://" + repository.root(), null, null, null, null, null, "none",
            2, 16, Map.of()));
    Inventory config = new Inventory(Map.of("db1", new HostConfig(HostConfig.LOCAL)),
        Map.of(TestRepository.INSTANCE, instance));
    CommandRunner local = new LocalCommandRunner(Redactor.NONE);
    environment = TestActivityEnvironment.newInstance();
    environment.registerActivitiesImplementations(new BaseBackupActivitiesImpl(new HostServices(
        config, new HostRunners() {
          @Override
          public CommandRunner forHost(String host) {
            return local;
          }

          @Override
          public CommandRunner worker() {
            return local;
          }
        }, name -> null)));
    activities = environment.newActivityStub(BaseBackupActivities.class, ActivityOptions
        .newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build()).build());
  }

  @AfterEach
  void close() {
    environment.close();
  }

  @Test
  void aTarballThatWritesThroughItsOwnLinksFailsAsCorruptAndWritesNothingOutside()
      throws Exception {
    repository.putBackup(new TestTar()
        .file("PG_VERSION", "15\n")
        .symlink("l1", ".")
        .symlink("l1/l1/l1/l1/l1/l1/sub/l2", "../../../../../../..")
        .file("sub/l2/x/evil", "written above the data directory")
        .bytes());
    List<String> before = outside();

    ActivityFailure failure = assertThrows(ActivityFailure.class, () -> activities.fetchS3(
        new EngineRestoreInput(new StepInput("job-1", TestRepository.INSTANCE, "db1"),
            TestRepository.BACKUP_ID, false, null)));

    Path marker = Path.of(pgdata + UnfinishedRestore.SUFFIX);
    assertEquals(before, outside().stream().filter(p -> !dir.resolve(p).equals(marker)).toList(),
        "nothing written outside " + pgdata + " but restoreflow's own marker");
    assertTrue(Files.readString(marker).contains("job: job-1"),
        "the failed fetch leaves the directory marked unfinished");
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals(FailureType.OBJECT_CORRUPT.name(), cause.getType());
    assertTrue(cause.isNonRetryable());
    String message = cause.getOriginalMessage();
    assertTrue(message.contains("main1/backups/" + TestRepository.BACKUP_ID
        + "/base.tar: tar member 'l1': links to '.'"), message);
    assertTrue(message.contains("The backup is corrupt or was tampered with"), message);
  }

  /** Every path under the test's directory outside pgdata and the repository. */
  private List<String> outside() throws Exception {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> !p.startsWith(pgdata) && !p.startsWith(repository.root()))
          .map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }
}
