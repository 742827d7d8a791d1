package dev.restoreflow.activities.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BackupObject;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.basebackup.BaseBackupLayout;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.Inventory;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import dev.restoreflow.activities.host.HostRunners;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.activities.steps.PlanActivitiesImpl;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.activities.PlanActivities;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.RestorePlan;
import dev.restoreflow.workflows.model.StepInput;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PlanRestore of a basebackup instance against a file:// repository, with the host's df and du
 * answered by the test: the disk check, and du only when free space alone is not enough; the
 * cluster runs without commit timestamps (the RPO's reads).
 */
class BaseBackupPlanTest {

  private static final long TAR_BYTES = 1_000_000_000L;

  @TempDir
  Path dir;
  /** Programs run, in any order: the RPO's reads and the pg_ctl check overlap the planning. */
  private final List<String> ran = Collections.synchronizedList(new ArrayList<>());
  private Path repository;
  private long freeBytes;
  private long usedBytes;
  /** PlanRestore runs as a real activity (it heartbeats), on Temporal's test activity environment. */
  private final TestActivityEnvironment activities = TestActivityEnvironment.newInstance();
  private PlanActivities plan;

  @BeforeEach
  void repositoryWithOneBackup() throws Exception {
    repository = Files.createDirectories(dir.resolve("repo"));
    String id = "20261123T091500Z";
    BackupMeta meta = new BackupMeta(id, "main1", "gzip", 1, 2, "0/2000028", "0/2000100", 1,
        "restoreflow", List.of(new BackupObject("base.tar.gz", 5, TAR_BYTES, List.of())));
    Path backupDir = repository.resolve(BaseBackupLayout.backupDir("main1", id));
    Files.createDirectories(backupDir);
    Files.write(backupDir.resolve("base.tar.gz"), new byte[5]);
    new ObjectMapper().writeValue(repository.resolve(BaseBackupLayout.meta("main1", id)).toFile(),
        meta);
    InstanceConfig instance = new InstanceConfig(BaseBackupEngine.NAME, "db1",
        dir.resolve("pgdata").toString(), null, null, 5432, "postgres",
            "/usr/lib/postgresql/15/bin",
        null, "127.0.0.1", "postgres", "postgres", List.of(), false, true, 60, 60,
        new BaseBackupConfig("file://" + repository, null, null, null, null, null, "gzip", 4, 16,
            Map.of()));
    Inventory config = new Inventory(Map.of("db1", new HostConfig(HostConfig.LOCAL, null, null,
        null, null, null, null, null, null)), Map.of("main1", instance));
    activities.registerActivitiesImplementations(new PlanActivitiesImpl(new HostServices(config,
        new HostRunners() {
      @Override
      public CommandRunner forHost(String host) {
        return new DiskAnswers();
      }

      @Override
      public CommandRunner worker() {
        return new DiskAnswers();
      }
    }, name -> null), Engines.standard()));
    plan = activities.newActivityStub(PlanActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1)).build());
  }

  @AfterEach
  void closeActivities() {
    activities.close();
  }

  @Test
  void enoughFreeSpaceDoesNotWalkTheDataDirectory() {
    freeBytes = 2 * TAR_BYTES;
    RestorePlan chosen = plan.planRestore(input());
    assertEquals("20261123T091500Z", chosen.backupId());
    assertEquals("file://" + repository + "/" + BaseBackupLayout.backupDir("main1",
        "20261123T091500Z") + "base.tar.gz", chosen.source(), "where the fetch reads, for people");
    assertEquals(sorted("pg_ctl", "df", "pg_ctl", "psql"), sorted(ran),
        "no du: the free space is enough (and the RPO's pg_ctl status and psql)");
    assertTrue(chosen.rpoBasis().contains("track_commit_timestamp off"), chosen.rpoBasis());
  }

  @Test
  void theCurrentDataCountsWhenFreeSpaceAloneIsNotEnough() {
    freeBytes = TAR_BYTES / 2;
    usedBytes = TAR_BYTES;
    plan.planRestore(input());
    assertEquals(sorted("pg_ctl", "df", "du", "pg_ctl", "psql"), sorted(ran));
  }

  @Test
  void tooLittleRoomFailsThePlanWithTheFigures() {
    freeBytes = TAR_BYTES / 2;
    usedBytes = TAR_BYTES / 4;
    ActivityFailure failed = assertThrows(ActivityFailure.class, () -> plan.planRestore(input()));
    ApplicationFailure failure = (ApplicationFailure) failed.getCause();
    assertEquals(FailureType.INSUFFICIENT_DISK.name(), failure.getType());
    assertTrue(failure.getOriginalMessage().contains("needs about 953.7 MiB (+5%) in "
        + dir.resolve("pgdata") + ", but only 715.3 MiB are available (476.8 MiB free"
            + " + 238.4 MiB of the current data)"),
        failure.getOriginalMessage());
  }

  @Test
  void aDeltaOfABackupWithoutAFileIndexIsRefusedByThePlan() throws Exception {
    freeBytes = 2 * TAR_BYTES;
    PlanInput delta = new PlanInput(new StepInput("job-1", "main1", "db1"), null, true, null);
    assertEquals(FailureType.NOT_SUPPORTED.name(), failureType(delta),
        "a backup.json without a file index (and a foreign, unchunked tarball)");
    String id = "20261124T091500Z";
    Path backupDir = Files.createDirectories(repository.resolve(
        BaseBackupLayout.backupDir("main1", id)));
    Files.write(backupDir.resolve("base.tar.gz"), new byte[5]);
    new ObjectMapper().writeValue(repository.resolve(BaseBackupLayout.meta("main1", id)).toFile(),
        new BackupMeta(id, "main1", "gzip", 1, 2, "0/2000028", "0/2000100", 1, "restoreflow",
            List.of(new BackupObject("base.tar.gz", 5, TAR_BYTES, List.of(
                new dev.restoreflow.activities.archive.Chunk(0, 0)))), "files.json"));
    assertEquals(FailureType.BACKUP_NOT_VALID.name(), failureType(delta),
        "backup.json names an index the repository does not have");
    Files.write(backupDir.resolve("files.json"), new byte[2]);
    assertEquals(id, plan.planRestore(delta).backupId());
  }

  @Test
  void aSecondPlanStillNoticesAMissingObjectAndADeletedBackup() throws Exception {
    freeBytes = 2 * TAR_BYTES;
    assertEquals("20261123T091500Z", plan.planRestore(input()).backupId());
    Path tarball = repository.resolve(BaseBackupLayout.backupDir("main1", "20261123T091500Z"))
        .resolve("base.tar.gz");
    Files.write(tarball, new byte[3]);
    assertEquals(FailureType.BACKUP_NOT_VALID.name(), failureType(input()),
        "the listing's size of the object, not the first plan's");
    Files.delete(tarball);
    assertEquals(FailureType.BACKUP_NOT_VALID.name(), failureType(input()));
    Files.delete(repository.resolve(BaseBackupLayout.meta("main1", "20261123T091500Z")));
    assertEquals(FailureType.NO_VALID_BACKUP.name(), failureType(input()));
    assertEquals(FailureType.BACKUP_NOT_FOUND.name(), failureType(new PlanInput(
        new StepInput("job-1", "main1", "db1"), "20261123T091500Z", false, null)));
  }

  @Test
  void aNewBackupIsChosenAndACorruptBackupJsonIsRefused() throws Exception {
    freeBytes = 2 * TAR_BYTES;
    assertEquals("20261123T091500Z", plan.planRestore(input()).backupId());
    String id = "20261124T091500Z";
    Path backupDir = Files.createDirectories(repository.resolve(
        BaseBackupLayout.backupDir("main1", id)));
    Files.write(backupDir.resolve("base.tar.gz"), new byte[5]);
    new ObjectMapper().writeValue(repository.resolve(BaseBackupLayout.meta("main1", id)).toFile(),
        new BackupMeta(id, "main1", "gzip", 3, 4, "0/3000028", "0/3000100", 1, "restoreflow",
            List.of(new BackupObject("base.tar.gz", 5, TAR_BYTES, List.of()))));
    assertEquals(id, plan.planRestore(input()).backupId(), "the new backup, seen at once");
    Files.writeString(repository.resolve(BaseBackupLayout.meta("main1", id)), "{\"id\": \"2026");
    assertEquals(FailureType.STORAGE_FAILED.name(), failureType(input()));
    assertEquals(FailureType.STORAGE_FAILED.name(), failureType(input()),
        "refused again: a backup.json that does not parse is never kept");
  }

  private String failureType(PlanInput input) {
    ActivityFailure failed = assertThrows(ActivityFailure.class, () -> plan.planRestore(input));
    return ((ApplicationFailure) failed.getCause()).getType();
  }

  private static List<String> sorted(String... programs) {
    return sorted(List.of(programs));
  }

  private static List<String> sorted(List<String> programs) {
    synchronized (programs) {
      return programs.stream().sorted().toList();
    }
  }

  private static PlanInput input() {
    return new PlanInput(new StepInput("job-1", "main1", "db1"), null, false, null);
  }

  /** The host: pg_ctl answers its version, df and du the test's figures. */
  private final class DiskAnswers implements CommandRunner {
    @Override
    public CommandResult run(Command command, OutputListener listener, BooleanSupplier stop) {
      String program = Path.of(command.argv().get(0)).getFileName().toString();
      ran.add(program);
      String out = switch (program) {
        case "pg_ctl" -> "pg_ctl (PostgreSQL) 15.8\n";
        case "df" -> "   Avail\n" + freeBytes + "\n";
        case "du" -> usedBytes + "\t" + command.argv().get(2) + "\n";
        case "psql" -> "off\n";   // the RPO's read: track_commit_timestamp
        default -> throw new AssertionError("unexpected command " + command.argv());
      };
      return new CommandResult(0, out, "", 1);
    }

    @Override
    public String where() {
      return "test";
    }
  }
}
