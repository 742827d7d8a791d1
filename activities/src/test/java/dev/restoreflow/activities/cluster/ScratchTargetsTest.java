package dev.restoreflow.activities.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.Inventory;
import dev.restoreflow.activities.config.ScratchConfig;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.activities.host.HostRunners;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.RestoreInto;
import dev.restoreflow.workflows.model.StepInput;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where clones and drills restore: resolution, the rules, and the host step's override. */
class ScratchTargetsTest {

  private static final String ROOT = "/srv/scratch";

  private static InstanceConfig instance(String pgdata, ScratchConfig scratch) {
    return new InstanceConfig("probackup", "db1", pgdata, "/etc/postgresql/15/main",
        "postgresql@15-main", 5432, "postgres", "/usr/lib/postgresql/15/bin",
        "/var/log/postgresql/main.log", "/var/run/postgresql", "app", "postgres",
        List.of("select 1"), true, false, 60, 120, null, null, null).withScratch(scratch);
  }

  private static final InstanceConfig MAIN1 = instance("/var/lib/postgresql/15/main",
      new ScratchConfig(ROOT, null, null));

  private static String rejected(InstanceConfig instance, boolean intoDatabase, RestoreInto asked) {
    RequestRejectedException e = assertThrows(RequestRejectedException.class,
        () -> ScratchTargets.resolve("main1", instance, intoDatabase, "job-1", asked));
    assertEquals(FailureType.INVALID_REQUEST, e.type());
    return e.getMessage();
  }

  @Test
  void everythingDefaultsFromTheScratchConfig() {
    assertEquals(new RestoreInto(ROOT + "/main1-job-1", 5433, null),
        ScratchTargets.resolve("main1", MAIN1, false, "job-1", null));
    assertEquals(new RestoreInto(ROOT + "/main1-job_1_x", 5433, null),
        ScratchTargets.resolve("main1", MAIN1, false, "job/1 x", RestoreInto.anywhere()));
    InstanceConfig withPort = MAIN1.withScratch(new ScratchConfig(ROOT, 6543, "copy"));
    assertEquals(new RestoreInto(ROOT + "/main1-j", 6543, null),
        ScratchTargets.resolve("main1", withPort, false, "j", null));
    assertEquals(new RestoreInto(ROOT + "/mine", 7000, null), ScratchTargets.resolve("main1",
        withPort, false, "j", new RestoreInto(ROOT + "/mine", 7000, null)));
  }

  @Test
  void aLogicalEngineGetsAScratchDatabase() {
    assertEquals(new RestoreInto(null, null, "app_drill"),
        ScratchTargets.resolve("main1", MAIN1, true, "j", null));
    InstanceConfig named = MAIN1.withScratch(new ScratchConfig(null, null, "app_copy"));
    assertEquals(new RestoreInto(null, null, "app_copy"),
        ScratchTargets.resolve("main1", named, true, "j", null));
    assertEquals(new RestoreInto(null, null, "other"),
        ScratchTargets.resolve("main1", named, true, "j", new RestoreInto(null, null, "other")));
    assertTrue(rejected(MAIN1, true, new RestoreInto(ROOT + "/x", null, null))
        .contains("give a database"));
  }

  @Test
  void withoutAScratchConfigClonesAndDrillsAreRefused() {
    String message = rejected(MAIN1.withScratch(null), false, null);
    assertTrue(message.startsWith("instances.main1.scratch is not configured: set scratch.root"),
        message);
    assertTrue(rejected(MAIN1.withScratch(new ScratchConfig(null, null, "x")), false, null)
        .contains("scratch.root is not set"));
  }

  @Test
  void directoriesOutsideTheRootOrOnADataDirectoryAreRefused() {
    for (String bad : List.of("/srv/elsewhere", ROOT, ROOT + "/../etc", ROOT + "/a/../../etc",
        ROOT + "/./x", ROOT + "//x", ROOT + "/x/", "relative/x", ROOT + "/with space",
        ROOT + "/quote'x", "/var/lib/postgresql/15/main", "/srv/scratchy/x")) {
      String message = rejected(MAIN1, false, new RestoreInto(bad, null, null));
      assertTrue(message.contains("scratch directory"), bad + ": " + message);
    }
    InstanceConfig pgdataUnderRoot = instance(ROOT + "/live", new ScratchConfig(ROOT, null, null));
    String message = rejected(pgdataUnderRoot, false, new RestoreInto(ROOT + "/live", null, null));
    assertTrue(message.contains("overlaps the configured data directory"), message);
    message = rejected(pgdataUnderRoot, false, new RestoreInto(ROOT + "/live/base", null, null));
    assertTrue(message.contains("overlaps"), message);
    InstanceConfig other = instance(ROOT + "/other/data", null);
    RequestRejectedException e = assertThrows(RequestRejectedException.class,
        () -> ScratchTargets.check("main1", MAIN1, new RestoreInto(ROOT + "/other", 5433, null),
            List.of(other), false));
    assertTrue(e.getMessage().contains(ROOT + "/other/data"), e.getMessage());
    assertTrue(rejected(MAIN1, false, new RestoreInto(ROOT + "/" + "x".repeat(90), null, null))
        .contains("too long"));
  }

  @Test
  void portsAndDatabaseNamesAreChecked() {
    for (int port : new int[] {0, -1, 65536}) {
      assertTrue(rejected(MAIN1, false, new RestoreInto(null, port, null)).contains("1-65535"));
    }
    assertTrue(rejected(MAIN1, false, new RestoreInto(null, 5432, null)).contains("own port"));
    assertTrue(rejected(MAIN1, false, new RestoreInto(null, null, "x")).contains("not a database"));
    for (String bad : List.of("App", "1abc", "a-b", "a b", "a;drop", "x".repeat(64), "")) {
      assertTrue(rejected(MAIN1, true, new RestoreInto(null, null, bad)).contains("plain name"),
          bad);
    }
    assertTrue(rejected(MAIN1, true, new RestoreInto(null, null, "app")).contains("own database"));
    assertEquals("a".repeat(63), ScratchTargets.resolve("main1", MAIN1, true, "j",
        new RestoreInto(null, null, "a".repeat(63))).database());
  }

  @Test
  void aLinkInsideTheRootThatLeadsIntoADataDirectoryIsRefusedOnDisk(@TempDir Path tmp)
      throws IOException {
    Path root = Files.createDirectories(tmp.resolve("scratch"));
    Path pgdata = Files.createDirectories(tmp.resolve("data/main"));
    Path away = Files.createDirectories(tmp.resolve("away"));
    Files.createSymbolicLink(root.resolve("intodata"), pgdata);
    Files.createSymbolicLink(root.resolve("out"), away);
    InstanceConfig inst = instance(pgdata.toString(), new ScratchConfig(root.toString(), null,
        null));
    CommandRunner runner = new LocalCommandRunner(Redactor.NONE);

    for (String through : List.of("intodata/x", "intodata")) {
      RestoreInto into = new RestoreInto(root.resolve(through).toString(), 5433, null);
      ScratchTargets.check("main1", inst, into, List.of(), false);   // the text passes
      RequestRejectedException e = assertThrows(RequestRejectedException.class,
          () -> ScratchTargets.checkOnDisk(runner, "main1", inst, into, List.of()));
      assertTrue(e.getMessage().contains("overlaps the data directory"), e.getMessage());
    }
    RestoreInto out = new RestoreInto(root.resolve("out/x").toString(), 5433, null);
    RequestRejectedException e = assertThrows(RequestRejectedException.class,
        () -> ScratchTargets.checkOnDisk(runner, "main1", inst, out, List.of()));
    assertTrue(e.getMessage().contains("not under instances.main1.scratch.root"), e.getMessage());
    ScratchTargets.checkOnDisk(runner, "main1", inst,
        new RestoreInto(root.resolve("fresh").toString(), 5433, null), List.of());
  }

  @Test
  void theHostStepOfACloneSeesTheScratchClusterInPlaceOfTheInstance(@TempDir Path tmp)
      throws IOException {
    Path root = Files.createDirectories(tmp.resolve("scratch"));
    InstanceConfig inst = instance(tmp.resolve("data/main").toString(),
        new ScratchConfig(root.toString(), null, null));
    Inventory config = new Inventory(Map.of("db1", new HostConfig(HostConfig.LOCAL)),
        Map.of("main1", inst));
    CommandRunner local = new LocalCommandRunner(Redactor.NONE);
    HostRunners runners = new HostRunners() {
      @Override
      public CommandRunner forHost(String host) {
        return local;
      }

      @Override
      public CommandRunner worker() {
        return local;
      }
    };
    HostServices services = new HostServices(config, runners);
    RestoreInto into = new RestoreInto(root.resolve("main1-j1").toString(), 5433, null);
    try (HostStep step = HostStep.open(services, new StepInput("j1", "main1", "db1", into))) {
      InstanceConfig seen = step.instance();
      assertSame(into, step.scratch());
      assertEquals(into.directory(), seen.pgdata());
      assertEquals(into.directory(), seen.pgCtlDir(), "no control directory of the instance");
      assertNull(seen.systemdUnit(), "pg_ctl, never the instance's unit");
      assertEquals(5433, seen.port());
      assertEquals(into.directory() + ".log", seen.serverLog());
      assertEquals("127.0.0.1", seen.connectHost());
      assertEquals(false, seen.keepArchiving());
      assertEquals(true, seen.promote());
      assertEquals("app", seen.database());
    }
    try (HostStep step = HostStep.open(services, new StepInput("j1", "main1", "db1"))) {
      assertNull(step.scratch());
      assertEquals(inst, step.instance());
    }
    for (RestoreInto bad : List.of(new RestoreInto(tmp.resolve("data/main").toString(), 5433,
        null), new RestoreInto(root + "/../data/main", 5433, null),
        new RestoreInto("/etc", 5433, null), new RestoreInto(into.directory(), 5432, null))) {
      ApplicationFailure refused = assertThrows(ApplicationFailure.class,
          () -> HostStep.open(services, new StepInput("j1", "main1", "db1", bad)));
      assertEquals(FailureType.INVALID_REQUEST.name(), refused.getType(), bad.toString());
      assertTrue(refused.getOriginalMessage().contains("in the config of this host's worker"),
          refused.getOriginalMessage());
    }
  }

  @Test
  void thePlanRefusesAScratchDirectoryThatIsNotEmptyOrAPortInUse(@TempDir Path tmp)
      throws IOException {
    Path root = Files.createDirectories(tmp.resolve("scratch"));
    InstanceConfig inst = new InstanceConfig("probackup", "db1", tmp.resolve("data").toString(),
        null, null, 5432, System.getProperty("user.name"), "/usr/lib/postgresql/15/bin", null,
        "127.0.0.1", "postgres", "postgres", List.of(), false, true, 60, 60, null)
        .withScratch(new ScratchConfig(root.toString(), null, null));
    CommandRunner runner = new LocalCommandRunner(Redactor.NONE);
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress());
        java.net.ServerSocket probe = new java.net.ServerSocket(0, 1,
            java.net.InetAddress.getLoopbackAddress())) {
      int free = probe.getLocalPort();
      probe.close();
      RestoreInto absent = new RestoreInto(root.resolve("absent").toString(), free, null);
      assertNull(ScratchPlan.refusal(runner, ScratchTargets.scratchInstance(inst, absent), absent));
      Path empty = Files.createDirectories(root.resolve("empty"));
      RestoreInto intoEmpty = new RestoreInto(empty.toString(), free, null);
      assertNull(ScratchPlan.refusal(runner, ScratchTargets.scratchInstance(inst, intoEmpty),
          intoEmpty));
      Files.writeString(empty.resolve("PG_VERSION"), "15\n");
      String notEmpty = ScratchPlan.refusal(runner, ScratchTargets.scratchInstance(inst,
          intoEmpty), intoEmpty);
      assertTrue(notEmpty != null && notEmpty.contains("is not empty"), notEmpty);
      RestoreInto busyPort = new RestoreInto(root.resolve("absent").toString(),
          busy.getLocalPort(), null);
      String inUse = ScratchPlan.refusal(runner, ScratchTargets.scratchInstance(inst, busyPort),
          busyPort);
      assertTrue(inUse != null && inUse.contains("is in use"), inUse);
      InstanceConfig noRoot = inst.withScratch(new ScratchConfig(tmp.resolve("missing")
          .toString(), null, null));
      RestoreInto underMissing = new RestoreInto(tmp.resolve("missing/x").toString(), free, null);
      String missing = ScratchPlan.refusal(runner, ScratchTargets.scratchInstance(noRoot,
          underMissing), underMissing);
      assertTrue(missing != null && missing.contains("is not a directory"), missing);
    }
  }

  @Test
  void theScratchSettingsKeepTheClusterApartFromTheInstance() {
    InstanceConfig scratch = ScratchTargets.scratchInstance(MAIN1,
        new RestoreInto(ROOT + "/main1-j", 5433, null));
    String settings = ScratchCluster.settings(scratch, "main1");
    for (String line : List.of("port = 5433", "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = '" + ROOT + "/main1-j'", "archive_mode = 'off'",
        "primary_conninfo = ''", "synchronous_standby_names = ''")) {
      assertTrue(settings.contains("\n" + line + "\n"), line + " in " + settings);
    }
    assertEquals(List.of(ROOT + "/main1-j", ROOT + "/main1-j.log", ROOT + "/main1-j.tablespaces",
        ROOT + "/main1-j.restoreflow-incomplete"),
        ScratchTargets.leftovers(new RestoreInto(ROOT + "/main1-j", 5433, null)));
    assertEquals("\"public\".\"t\"", RestoreProof.quoted("t"));
    assertEquals("\"s\".\"a\"\"b\"", RestoreProof.quoted("s.a\"b"));
  }
}
