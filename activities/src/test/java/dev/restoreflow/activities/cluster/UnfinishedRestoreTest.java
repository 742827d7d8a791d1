package dev.restoreflow.activities.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unfinished-restore marker on real files through the real local runner (dd, rm, sync). */
class UnfinishedRestoreTest {

  @TempDir
  Path dir;
  private final CommandRunner runner = new LocalCommandRunner(Redactor.NONE);
  private InstanceConfig instance;
  private Path marker;
  private Path pgCtlCalls;

  @BeforeEach
  void dataDirectory() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    pgCtlCalls = dir.resolve("pg_ctl.calls");
    // a stand-in pg_ctl that records each call and says "not running"
    Files.writeString(bin.resolve("pg_ctl"), "#!/bin/sh\necho \"$@\" >> " + pgCtlCalls
        + "\nexit 3\n");
    Files.setPosixFilePermissions(bin.resolve("pg_ctl"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path pgdata = Files.createDirectories(dir.resolve("data/main"));
    instance = new InstanceConfig("probackup", "local", pgdata + "/", null, null, 5432,
        System.getProperty("user.name"), bin.toString(), null, "127.0.0.1", "postgres",
        "postgres", List.of(), false, true, 60, 60, null, null);
    marker = dir.resolve("data/main.restoreflow-incomplete");
  }

  @Test
  void theMarkerIsBesideTheDataDirectoryNamesTheJobAndGoesAwayWhenTheRestoreFinishes()
      throws IOException {
    assertEquals(marker.toString(), UnfinishedRestore.path(instance));
    assertTrue(UnfinishedRestore.find(runner, instance).isEmpty());

    UnfinishedRestore.mark(runner, instance, new UnfinishedRestore.Mark("job-1", "WipeData",
        "probackup", null));
    UnfinishedRestore.mark(runner, instance, new UnfinishedRestore.Mark("job-1", "ProbackupRestore",
        "probackup", "SCUN1Q"));
    String text = UnfinishedRestore.find(runner, instance).orElseThrow();
    assertTrue(text.contains("job: job-1\nstep: ProbackupRestore\nengine: probackup\nbackup: SCUN1Q"),
        text);
    assertEquals(text, Files.readString(marker).strip());

    UnfinishedRestore.finish(runner, instance);
    assertFalse(Files.exists(marker, LinkOption.NOFOLLOW_LINKS));
    assertTrue(UnfinishedRestore.find(runner, instance).isEmpty());
  }

  @Test
  void aLinkPlantedWhereTheMarkerGoesIsReplacedNeverWrittenThrough() throws IOException {
    Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
    Files.createSymbolicLink(marker, victim);
    assertTrue(UnfinishedRestore.find(runner, instance).orElseThrow().startsWith("(unreadable"),
        "a link where the marker goes counts as a marker");

    UnfinishedRestore.mark(runner, instance, new UnfinishedRestore.Mark("job-2", "FetchS3",
        "basebackup", "20261129T120000Z"));
    assertEquals("precious\n", Files.readString(victim));
    assertTrue(Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.readString(marker).contains("job: job-2"));
  }

  @Test
  void startClusterRefusesADirectoryWithAnUnfinishedRestoreBeforeItRunsPgCtl() throws IOException {
    UnfinishedRestore.mark(runner, instance, new UnfinishedRestore.Mark("job-3", "FetchS3",
        "basebackup", "20261129T120000Z"));
    ClusterControl cluster = new ClusterControl(runner, instance);
    UnfinishedRestoreException refused = assertThrows(UnfinishedRestoreException.class,
        () -> cluster.start(() -> false));
    assertTrue(refused.getMessage().startsWith("not starting PostgreSQL on " + dir.resolve("data/main")
        + ": a restore of it began and did not finish (" + marker + ": job: job-3, step: FetchS3,"
        + " since: "), refused.getMessage());
    assertTrue(refused.getMessage().endsWith("run a full restore of the instance (or let the job"
        + " restoring it finish)"), refused.getMessage());
    assertFalse(Files.exists(pgCtlCalls), "pg_ctl was not even asked");
  }
}
