package dev.restoreflow.it;

import dev.restoreflow.workflows.activities.ProbackupActivities;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandTimeoutException;
import dev.restoreflow.activities.exec.OutputListener;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.activities.exec.SshCommandRunner;
import dev.restoreflow.activities.exec.SshSettings;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.client.WorkflowFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Database hosts driven over SSH: a real OpenSSH sshd on 127.0.0.1 (free port, key auth, the
 * unprivileged user that owns the clusters), two host names for it (ssh-a, ssh-b) with a
 * cluster each, and three hosts that must be refused (wrong key, unknown and changed host key).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SshIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(3);

  private ItSandbox main1;
  private ItSandbox main2;
  private SshServer sshd;
  private ItTemporal temporal;
  private Map<String, String> atBackup1;
  private Map<String, String> atBackup2;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "ssh-a");
    main2 = ItSandbox.create("main2", "ssh-b");
    main1.sandbox.loadDemoData(3_000);
    main2.sandbox.loadDemoData(1_000);
    main1.sandbox.backup("FULL");
    main2.sandbox.backup("FULL");
    atBackup1 = main1.sandbox.fingerprint();
    atBackup2 = main2.sandbox.fingerprint();
    sshd = SshServer.start(main1.stateDir(), main1.instance.osUser());

    Map<String, HostConfig> hosts = new LinkedHashMap<>();
    hosts.put("ssh-a", sshd.host());
    hosts.put("ssh-b", sshd.host());
    hosts.put("ssh-wrongkey", sshd.host("stranger_key", "known_hosts"));
    hosts.put("ssh-unknown", sshd.host("client_key", "known_hosts_empty"));
    hosts.put("ssh-changed", sshd.host("client_key", "known_hosts_changed"));
    Map<String, InstanceConfig> instances = new LinkedHashMap<>();
    // main1 is also sent to the hosts with bad keys, so it declares them
    instances.put("main1", main1.instance.withRestoreHosts(
        List.of("ssh-wrongkey", "ssh-unknown", "ssh-changed")));
    instances.put("main2", main2.instance);
    var server = ItTemporal.startServer();
    RestoreflowConfig config = new RestoreflowConfig(new TemporalConfig(server.target(), "default"),
        main1.stateDir().resolve("ledger.db").toString(), main1.stateDir().resolve("Logs").toString(),
        hosts, instances, null);
    temporal = ItTemporal.start(server, config, List.copyOf(hosts.keySet()));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (temporal != null) {
      temporal.close();
    }
    if (sshd != null) {
      sshd.close();
    }
    for (ItSandbox s : new ItSandbox[] {main1, main2}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  @Order(1)
  void adversarialArgumentsReachTheRemoteCommandUnchanged() {
    HostConfig h = sshd.host();
    List<String> tricky = List.of("a b", "'quoted'", "\"double\"", "x; touch /tmp/pwned-by-ssh",
        "$(id)", "`id`", "line1\nline2", "*", "$HOME", "back\\slash", "");
    List<String> argv = new ArrayList<>(List.of("printf", "%s\\0"));
    argv.addAll(tricky);
    try (SshCommandRunner runner = new SshCommandRunner(new SshSettings(h.address(), h.port(),
        h.user(), h.privateKey(), null, h.knownHosts(), false, Duration.ofSeconds(5)), Redactor.NONE)) {
      CommandResult result = runner.runChecked(Command.of(argv, h.user(), Duration.ofSeconds(30)));
      assertEquals(String.join("\0", tricky) + "\0\n", result.stdout());
      CommandResult stdin = runner.runChecked(Command.of(List.of("cat"), null, Duration.ofSeconds(30))
          .withStdin("through stdin; $(id)\n"));
      assertEquals("through stdin; $(id)\n", stdin.stdout(), "the session is reused for a second command");
      CommandResult failing = runner.run(Command.of(List.of("sh", "-c", "echo oops >&2; exit 7"),
          null, Duration.ofSeconds(30)));
      assertEquals(7, failing.exitCode());
      assertEquals("oops", failing.stderrTail(), "stderr is the command's own, nothing more");
    }
    assertTrue(!java.nio.file.Files.exists(java.nio.file.Path.of("/tmp/pwned-by-ssh")));
  }

  @Test
  @Order(2)
  void fullRestoreOfAClusterOnAnSshHost() throws Exception {
    main1.sandbox.sql("delete from accounts where id % 2 = 0; drop table transfers");
    RestoreResult result = restore("main1", "ssh-a");
    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals(atBackup1, main1.sandbox.fingerprint());
    assertTrue(result.steps().stream().allMatch(s -> s.status() == StepStatus.DONE));
  }

  @Test
  @Order(3)
  void twoSshHostsRestoreInParallelWhileEachHostsJobsStaySerialized() throws Exception {
    main1.throttleRestores(3);
    main2.throttleRestores(3);
    try {
      List<Submission> a = new ArrayList<>();
      List<Submission> b = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        a.add(temporal.restoreflow.submit(RestoreRequest.of("main1").withHost("ssh-a")));
        b.add(temporal.restoreflow.submit(RestoreRequest.of("main2").withHost("ssh-b")));
      }
      List<long[]> onA = intervals(a);
      List<long[]> onB = intervals(b);
      assertTrue(onA.get(0)[1] <= onA.get(1)[0], "ssh-a ran its jobs one at a time");
      assertTrue(onB.get(0)[1] <= onB.get(1)[0], "ssh-b ran its jobs one at a time");
      assertTrue(onA.get(0)[0] < onB.get(1)[1] && onB.get(0)[0] < onA.get(1)[1],
          "the two hosts ran alongside each other");
    } finally {
      main1.throttleRestores(0);
      main2.throttleRestores(0);
    }
    assertEquals(atBackup1, main1.sandbox.fingerprint());
    assertEquals(atBackup2, main2.sandbox.fingerprint());
  }

  @Test
  @Order(4)
  void wrongKeyUnknownHostKeyAndChangedHostKeyFailFastWithNoStepRun() throws Exception {
    Map<String, String> expected = Map.of(
        "ssh-wrongkey", "SSH_AUTH_FAILED",
        "ssh-unknown", "SSH_HOST_KEY_UNKNOWN",
        "ssh-changed", "SSH_HOST_KEY_CHANGED");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      long started = System.nanoTime();
      Submission job = temporal.restoreflow.submit(RestoreRequest.of("main1").withHost(e.getKey()));
      WorkflowFailedException failure = assertThrows(WorkflowFailedException.class,
          () -> temporal.restoreflow.await(job.jobId(), JOB_LIMIT));
      assertEquals(e.getValue(), Failures.typeOf(failure).orElse(null), failure.toString());
      assertTrue(System.nanoTime() - started < Duration.ofSeconds(20).toNanos(), "fails fast");
      assertEquals(List.of(1), Histories.attempts(temporal.client, job.workflowId(), Steps.PLAN),
          "not retried");
      assertEquals(0, Histories.scheduled(temporal.client, job.workflowId(), Steps.STOP));
      RestoreProgress progress = temporal.restoreflow.progress(job.jobId());
      assertTrue(progress.message().contains("authorized_keys") || progress.message().contains("known_hosts"),
          progress.message());
    }
    assertEquals(dev.restoreflow.activities.cluster.ClusterState.RUNNING, main1.sandbox.cluster().state());
  }

  @Test
  @Order(5)
  void sshdKilledDuringAStepAndStartedAgainTheRestoreCompletes() throws Exception {
    main1.sandbox.sql("truncate transfers");
    main1.throttleRestores(30);
    Submission job;
    try {
      job = temporal.restoreflow.submit(RestoreRequest.of("main1").withHost("ssh-a"));
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!ProbackupActivities.RESTORE_STEP.equals(temporal.restoreflow.progress(job.jobId()).currentStep())) {
        assertTrue(System.nanoTime() < deadline, "the restore never started");
        Thread.sleep(100);
      }
      Thread.sleep(2_000);
      sshd.kill();
      Thread.sleep(3_000);
    } finally {
      main1.throttleRestores(0);
    }
    sshd.startProcess();
    RestoreResult result = temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals(atBackup1, main1.sandbox.fingerprint());
    List<Integer> attempts = Histories.attempts(temporal.client, job.workflowId(), ProbackupActivities.RESTORE_STEP);
    assertTrue(attempts.get(0) >= 2, "ProbackupRestore was retried after the drop: " + attempts);
    assertEquals(1, Histories.scheduled(temporal.client, job.workflowId(), Steps.WIPE));
  }

  @Test
  @Order(6)
  void aStoppedRemoteCommandEndsWithEveryProcessItStarted() throws Exception {
    String marker = ChildProcesses.marker();
    try (SshCommandRunner runner = runner(sshd.host())) {
      CommandResult stopped = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> runner.run(
          ChildProcesses.spawner(marker, null, Duration.ofMinutes(5)), OutputListener.NONE,
          () -> ChildProcesses.running(marker).size() >= 3));
      assertTrue(stopped.exitCode() != 0, "stopped, not exited: " + stopped);
      ChildProcesses.assertAllEnd(marker, Duration.ofSeconds(5));
      assertEquals("after\n", runner.runChecked(Command.of(List.of("echo", "after"), null,
          Duration.ofSeconds(30))).stdout(), "the session serves the next command");
    } finally {
      ChildProcesses.killLeftovers(marker);
    }
  }

  @Test
  @Order(7)
  void aRemoteCommandPastItsTimeoutEndsWithEveryProcessItStartedAlsoThroughRunuser()
      throws Exception {
    String user = sshd.host().user();
    for (HostConfig login : List.of(sshd.host(), sshd.rootHost())) {
      String marker = ChildProcesses.marker();
      try (SshCommandRunner runner = runner(login)) {
        assertEquals(user + "\n", runner.runChecked(Command.of(List.of("id", "-un"), user,
            Duration.ofSeconds(30))).stdout(), "as " + user + " after logging in as " + login.user());
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
            CommandTimeoutException.class,
            () -> runner.run(ChildProcesses.spawner(marker, user, Duration.ofSeconds(2)))));
        ChildProcesses.assertAllEnd(marker, Duration.ofSeconds(5));
      } finally {
        ChildProcesses.killLeftovers(marker);
      }
    }
  }

  @Test
  @Order(8)
  void aHostUnreachableForLongerThanFiveAttemptsStillGetsItsRestore() throws Exception {
    main1.sandbox.sql("truncate transfers");
    sshd.kill();
    Submission job;
    try {
      job = temporal.restoreflow.submit(RestoreRequest.of("main1").withHost("ssh-a"));
      // five attempts 1, 2, 4 and 8 s apart used to end the job after ~15 s
      Thread.sleep(22_000);
      RestoreProgress meanwhile = temporal.restoreflow.progress(job.jobId());
      assertEquals(JobState.RUNNING, meanwhile.state(), "still waiting for the host: "
          + meanwhile.message());
      assertEquals(Steps.PLAN, meanwhile.currentStep());
    } finally {
      sshd.startProcess();
    }
    RestoreResult result = temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, result.state());
    assertEquals(atBackup1, main1.sandbox.fingerprint());
    List<Integer> attempts = Histories.attempts(temporal.client, job.workflowId(), Steps.PLAN);
    assertTrue(attempts.get(0) > 5, "PlanRestore retried past five attempts: " + attempts);
  }

  private static SshCommandRunner runner(HostConfig h) {
    return new SshCommandRunner(new SshSettings(h.address(), h.port(), h.user(), h.privateKey(),
        null, h.knownHosts(), false, Duration.ofSeconds(5)), Redactor.NONE);
  }

  private RestoreResult restore(String instance, String host) throws Exception {
    Submission job = temporal.restoreflow.submit(RestoreRequest.of(instance).withHost(host));
    return temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
  }

  private List<long[]> intervals(List<Submission> jobs) throws Exception {
    List<long[]> out = new ArrayList<>();
    for (Submission job : jobs) {
      RestoreResult r = temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
      assertEquals(JobState.SUCCEEDED, r.state());
      out.add(JobIntervals.of(r));
    }
    return out;
  }
}
