package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.cluster.ClusterActivitiesImpl;
import dev.restoreflow.activities.cluster.ClusterControl;
import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.cluster.ScratchTargets;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.ScratchConfig;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.activities.host.HostRunners;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.pgbackrest.PgBackRestConfig;
import dev.restoreflow.activities.pgbackrest.PgBackRestEngine;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.Workers;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.worker.sandbox.DataFingerprint;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.ClusterActivities;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreInto;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepInput;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Clones and drills on scratch targets, for real: three PostgreSQL 15 clusters, each on its own
 * host (worker) and each backed up by another engine — pg_probackup (the simulator), basebackup
 * (s3proxy) and pgBackRest (real). A drill restores the newest backup into a scratch directory
 * under the instance's scratch root, starts it on its own port, proves it with amcheck, and
 * removes it; a clone keeps it running. Throughout, the instance's own cluster runs on, with its
 * data and its postmaster start time unchanged. A damaged index (in a backup, or in a scratch
 * cluster) fails ProveRestore with VERIFY_FAILED, naming it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 12, unit = java.util.concurrent.TimeUnit.MINUTES)
class ScratchTargetIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(4);
  private static final String PGBACKREST = "/usr/bin/pgbackrest";
  private static final Pattern PROVED =
      Pattern.compile("amcheck: (\\d+) indexes in (\\d+) databases OK");

  private ItSandbox probackup;
  private ItSandbox basebackup;
  private ItSandbox pgbackrest;
  private S3Server s3;
  private ItTemporal temporal;
  private RestoreflowConfig config;
  private final Map<String, String> backupIds = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> atBackup = new LinkedHashMap<>();

  @BeforeAll
  void setUp() throws Exception {
    probackup = ItSandbox.create("p1", "hp");
    basebackup = ItSandbox.create("b1", "hb");
    pgbackrest = ItSandbox.create("r1", "hr");
    for (ItSandbox s : all()) {
      s.sandbox.loadDemoData(2_000);
    }
    s3 = S3Server.start(basebackup.stateDir());
    s3.createBucket("drills");
    Map<String, InstanceConfig> instances = new LinkedHashMap<>();
    instances.put("p1", withScratch(probackup, probackup.instance));
    instances.put("b1", withScratch(basebackup, basebackup.instance
        .withEngine(BaseBackupEngine.NAME).withSettings(s3.repository("drills", "b1", "zstd"))));
    instances.put("r1", withScratch(pgbackrest, pgBackRestInstance(pgbackrest)));
    ItServer server = ItTemporal.startServer();
    Path ledger = probackup.stateDir().resolve("ledger.db");
    Map<String, HostConfig> hosts = new LinkedHashMap<>();
    for (ItSandbox s : all()) {
      hosts.put(s.host, new HostConfig(HostConfig.LOCAL));
    }
    config = new RestoreflowConfig(new TemporalConfig(server.target(), "default"),
        ledger.toString(), ledger.getParent().resolve("Logs").toString(), hosts, instances, null);
    Map<String, String> env = s3.environment();
    temporal = ItTemporal.start(server, config, List.of(), factory -> {
      for (ItSandbox s : all()) {
        Workers.addHost(factory, config, s.host, env::get);
      }
    });
    backupIds.put("p1", probackup.sandbox.backup("FULL"));
    atBackup.put("p1", probackup.sandbox.fingerprint());
    for (ItSandbox s : List.of(basebackup, pgbackrest)) {
      String name = s.sandbox.name();
      BackupResult backup = temporal.restoreflow.awaitBackup(temporal.restoreflow.submitBackup(
          BackupRequest.of(name)).jobId(), JOB_LIMIT);
      assertEquals(JobState.SUCCEEDED, backup.state(), backup.message());
      backupIds.put(name, backup.backupId());
      atBackup.put(name, s.sandbox.fingerprint());
    }
  }

  @AfterAll
  void tearDown() throws Exception {
    if (temporal != null) {
      temporal.close();
    }
    for (ItSandbox s : all()) {
      if (s != null) {
        stopScratchClusters(s);
        s.close();
      }
    }
    if (s3 != null) {
      s3.close();
    }
  }

  private List<ItSandbox> all() {
    return java.util.Arrays.asList(probackup, basebackup, pgbackrest);
  }

  @Test
  @Order(1)
  void aDrillOnEachEngineProvesTheBackupInAScratchTargetAndLeavesTheInstanceAlone()
      throws Exception {
    for (ItSandbox s : List.of(probackup, basebackup, pgbackrest)) {
      String name = s.sandbox.name();
      s.sandbox.sql("update accounts set balance = balance + 1 where id < 20");  // after the backup
      Untouched before = Untouched.of(s);

      RestoreResult drill = restore(RestoreRequest.of(name).withHost(s.host).withDrill(true));

      assertEquals(JobState.SUCCEEDED, drill.state(), name + ": " + drill);
      assertEquals(backupIds.get(name), drill.backupId(), name);
      List<String> names = drill.steps().stream().map(StepProgress::name).toList();
      assertTrue(names.containsAll(List.of(Steps.PROVE, Steps.REMOVE_SCRATCH)), names.toString());
      for (StepProgress step : drill.steps()) {
        assertTrue(step.status() == StepStatus.DONE || step.status() == StepStatus.SKIPPED,
            name + ": " + step);
      }
      String proof = detail(drill, Steps.PROVE);
      Matcher proved = PROVED.matcher(proof);
      assertTrue(proved.find(), name + ": " + proof);
      assertTrue(Integer.parseInt(proved.group(1)) > 100, "catalog and demo indexes: " + proof);
      assertTrue(proof.contains("row counts: "), proof);
      assertTrue(detail(drill, Steps.START).contains("scratch settings written"),
          detail(drill, Steps.START));
      assertNotNull(drill.restoreSeconds(), "a drill records its measured RTO: " + drill);
      assertEquals(List.of(), scratchLeft(s), name + ": RemoveScratch left nothing");
      before.assertUnchanged(s);
    }
  }

  @Test
  @Order(2)
  void aCloneRunsApartFromTheInstanceAndADamagedIndexInItFailsTheProof() throws Exception {
    ItSandbox s = probackup;
    Untouched before = Untouched.of(s);
    RestoreResult clone = restore(RestoreRequest.of("p1").withHost(s.host)
        .withInto(RestoreInto.anywhere()));
    assertEquals(JobState.SUCCEEDED, clone.state(), clone.toString());
    assertFalse(clone.steps().stream().anyMatch(step -> step.name().equals(Steps.PROVE)),
        "a clone is not proved");
    List<Path> left = scratchLeft(s);
    Path directory = left.stream().filter(Files::isDirectory).findFirst().orElseThrow(
        () -> new AssertionError("the clone's directory is kept: " + left));
    InstanceConfig configured = config.requireInstance("p1");
    RestoreInto into = new RestoreInto(directory.toString(), configured.scratch().port(), null);
    ClusterControl scratch = new ClusterControl(new LocalCommandRunner(Redactor.NONE),
        ScratchTargets.scratchInstance(configured, into));
    assertEquals(ClusterState.RUNNING, scratch.state());
    assertEquals(atBackup.get("p1"), DataFingerprint.of(scratch), "the clone holds the backup");
    assertEquals("off", scratch.queryValue("show archive_mode"));
    assertEquals("127.0.0.1", scratch.queryValue("show listen_addresses"));
    assertEquals(String.valueOf(into.port()), scratch.queryValue("show port"));
    assertEquals("", scratch.queryValue("show primary_conninfo"));
    assertEquals("f", scratch.queryValue("select pg_is_in_recovery()"));
    before.assertUnchanged(s);

    TestActivityEnvironment environment = TestActivityEnvironment.newInstance();
    try {
      environment.registerActivitiesImplementations(new ClusterActivitiesImpl(
          new HostServices(config.inventory(), localRunners())));
      ClusterActivities cluster = environment.newActivityStub(ClusterActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(3))
              .setHeartbeatTimeout(Duration.ofSeconds(30))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
      StepInput step = new StepInput("clone-check", "p1", s.host, into);
      EngineRestoreInput proveInput = new EngineRestoreInput(step, backupIds.get("p1"), false,
          null);
      StepResult sound = cluster.proveRestore(proveInput);
      assertTrue(PROVED.matcher(sound.detail()).find(), sound.detail());
      assertTrue(sound.detail().contains("row counts: not recorded by engine probackup"),
          sound.detail());

      String index = "accounts_pkey";
      Path file = directory.resolve(scratch.queryValue(
          "select pg_relation_filepath('" + index + "')"));
      scratch.stop(false);
      try (RandomAccessFile damaged = new RandomAccessFile(file.toFile(), "rw")) {
        assertTrue(damaged.length() >= 2 * 8192, "the index has a second block");
        damaged.seek(8192 + 200);
        damaged.write(new byte[256]);   // zeroes over index tuples: the page checksum fails
      }
      scratch.start(() -> false);
      ActivityFailure failed = assertThrows(ActivityFailure.class,
          () -> cluster.proveRestore(proveInput));
      ApplicationFailure cause = (ApplicationFailure) failed.getCause();
      assertEquals(FailureType.VERIFY_FAILED.name(), cause.getType());
      assertTrue(cause.isNonRetryable(), "damage is not retried");
      assertTrue(cause.getOriginalMessage().contains("index " + index), cause.getOriginalMessage());

      ActivityFailure refused = assertThrows(ActivityFailure.class,
          () -> cluster.removeScratch(new StepInput("clone-check", "p1", s.host)));
      assertEquals(FailureType.INVALID_REQUEST.name(),
          ((ApplicationFailure) refused.getCause()).getType());
      assertTrue(Files.exists(Path.of(s.instance.pgdata(), "PG_VERSION")));

      StepResult removed = cluster.removeScratch(step);
      assertTrue(removed.detail().contains("stopped the scratch cluster"), removed.detail());
      assertEquals(List.of(), scratchLeft(s));
      assertTrue(cluster.removeScratch(step).detail().contains("nothing left"),
          "RemoveScratch again is a no-op");
    } finally {
      environment.close();
    }
    before.assertUnchanged(s);
  }

  /**
   * A backup of a cluster with a damaged index (its key function changed under it: every check
   * of the pages passes, and the index no longer matches its table) restores and starts, and its
   * drill fails VERIFY_FAILED naming the index; the scratch target is removed.
   */
  @Test
  @Order(3)
  void aDrillOfABackupWithADamagedIndexFailsVerifyFailedAndRemovesItsScratch() throws Exception {
    for (ItSandbox s : List.of(probackup, pgbackrest)) {
      String name = s.sandbox.name();
      s.sandbox.sql("create function drill_key(i int) returns int language sql immutable"
          + " as 'select $1'; create table drill_damage (i int);"
          + " insert into drill_damage select generate_series(1, 500);"
          + " create index drill_damage_key on drill_damage (drill_key(i));"
          + " create or replace function drill_key(i int) returns int language sql immutable"
          + " as 'select -$1'");
      if (s == probackup) {
        s.sandbox.backup("FULL");
      } else {
        BackupResult backup = temporal.restoreflow.awaitBackup(temporal.restoreflow.submitBackup(
            BackupRequest.of(name).withType("full")).jobId(), JOB_LIMIT);
        assertEquals(JobState.SUCCEEDED, backup.state(), backup.message());
      }
      Untouched before = Untouched.of(s);
      Submission job = temporal.restoreflow.submit(RestoreRequest.of(name).withHost(s.host)
          .withDrill(true).withRequestedVia("api", "ScratchTargetIT"));
      WorkflowFailedException failure = assertThrows(WorkflowFailedException.class,
          () -> temporal.restoreflow.await(job.jobId(), JOB_LIMIT));
      assertEquals(FailureType.VERIFY_FAILED.name(), Failures.typeOf(failure).orElse(null),
          name + ": " + failure);
      assertTrue(rootMessage(failure).contains("drill_damage_key"), rootMessage(failure));
      assertEquals(List.of(), scratchLeft(s), name + ": the failed drill's scratch is removed");
      before.assertUnchanged(s);
      s.sandbox.sql("drop table drill_damage; drop function drill_key(int)");
    }
  }

  // ---- fixtures

  private RestoreResult restore(RestoreRequest request) throws Exception {
    Submission job = temporal.restoreflow.submit(request.withRequestedVia("api",
        "ScratchTargetIT"));
    return temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
  }

  private static String detail(RestoreResult result, String step) {
    return result.steps().stream().filter(s -> s.name().equals(step)).findFirst()
        .map(StepProgress::detail).orElseThrow(() -> new AssertionError("no step " + step));
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof ApplicationFailure app ? app.getOriginalMessage() : cause.toString();
  }

  /** What the instance's own cluster must keep through a clone or drill. */
  private record Untouched(String startedAt, Map<String, String> data) {

    static Untouched of(ItSandbox s) throws Exception {
      return new Untouched(s.psql("postgres", "select pg_postmaster_start_time()").strip(),
          s.sandbox.fingerprint());
    }

    void assertUnchanged(ItSandbox s) throws Exception {
      assertEquals(ClusterState.RUNNING, s.sandbox.cluster().state(), s.sandbox.name());
      assertEquals(startedAt, s.psql("postgres", "select pg_postmaster_start_time()").strip(),
          s.sandbox.name() + ": the instance's postmaster was never restarted");
      assertEquals(data, s.sandbox.fingerprint(), s.sandbox.name() + ": its data unchanged");
    }
  }

  private static Path scratchRoot(ItSandbox s) {
    return s.stateDir().resolve("scratch");
  }

  /** Everything under the scratch root. */
  private static List<Path> scratchLeft(ItSandbox s) throws IOException {
    try (Stream<Path> entries = Files.list(scratchRoot(s))) {
      return entries.sorted().toList();
    }
  }

  /** The scratch root (owned by the cluster's OS user, 0700) and a free port. */
  private static InstanceConfig withScratch(ItSandbox s, InstanceConfig instance)
      throws IOException {
    Path root = Files.createDirectories(scratchRoot(s));
    Files.setOwner(root, Files.getOwner(Path.of(s.instance.pgdata())));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    return instance.withScratch(new ScratchConfig(root.toString(), freePort(), null));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The sandbox as a pgBackRest instance: a stanza in its state directory, WAL archived into it. */
  private static InstanceConfig pgBackRestInstance(ItSandbox s) throws Exception {
    Path state = s.stateDir();
    UserPrincipal owner = Files.getOwner(Path.of(s.instance.pgdata()));
    Path pgbr = state.resolve("pgbackrest");
    for (String dir : List.of("repo", "log", "lock", "spool")) {
      Files.createDirectories(pgbr.resolve(dir));
      Files.setOwner(pgbr.resolve(dir), owner);
    }
    Path conf = pgbr.resolve("pgbackrest.conf");
    Files.writeString(conf, "[global]\nrepo1-path=" + pgbr.resolve("repo") + "\nlog-path="
        + pgbr.resolve("log") + "\nlock-path=" + pgbr.resolve("lock") + "\nspool-path="
        + pgbr.resolve("spool") + "\nrepo1-retention-full=10\n\n[r1]\npg1-path="
        + s.instance.pgdata() + "\npg1-port=" + s.instance.port() + "\npg1-socket-path="
        + state.resolve("run") + "\n");
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
    InstanceConfig raw = s.instance.withEngine(PgBackRestEngine.NAME).withSettings(
        new PgBackRestConfig(PGBACKREST, null, null, conf.toString(), 2, "lz4",
            state.resolve("run").toString()));
    s.sandbox.sql("alter system set archive_command = '" + PGBACKREST + " --config=" + conf
        + " --stanza=r1 archive-push %p'");
    s.sandbox.sql("select pg_reload_conf()");
    return CheckedSettings.checked("r1", raw);
  }

  private static HostRunners localRunners() {
    CommandRunner local = new LocalCommandRunner(Redactor.NONE);
    return new HostRunners() {
      @Override
      public CommandRunner forHost(String host) {
        return local;
      }

      @Override
      public CommandRunner worker() {
        return local;
      }
    };
  }

  /** A scratch cluster a failed test left running would outlive the test: stop it. */
  private static void stopScratchClusters(ItSandbox s) throws IOException {
    Path root = scratchRoot(s);
    if (!Files.isDirectory(root)) {
      return;
    }
    for (Path dir : scratchLeft(s)) {
      if (Files.exists(dir.resolve("postmaster.pid"))) {
        new LocalCommandRunner(Redactor.NONE).run(dev.restoreflow.activities.exec.Command.of(
            List.of(s.instance.pgTool("pg_ctl"), "stop", "-D", dir.toString(), "-m", "immediate"),
            s.instance.osUser(), Duration.ofSeconds(60)));
      }
    }
  }
}
