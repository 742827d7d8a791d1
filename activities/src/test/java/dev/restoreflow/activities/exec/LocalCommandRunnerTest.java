package dev.restoreflow.activities.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalCommandRunnerTest {

  private final LocalCommandRunner runner = new LocalCommandRunner(false, Redactor.NONE);

  @Test
  void argumentsReachTheProgramUnchangedAndUninterpreted() {
    List<String> tricky = List.of("a b", "'quoted'", "\"dq\"", "; rm -rf /", "$(id)", "`id`",
        "line1\nline2", "*", "$HOME");
    List<String> argv = new ArrayList<>(List.of("printf", "%s\\0"));
    argv.addAll(tricky);
    CommandResult result = runner.runChecked(Command.of(argv, null, Duration.ofSeconds(10)));
    assertEquals(String.join("\0", tricky) + "\0\n", result.stdout());
  }

  @Test
  void nonZeroExitIsAFailureWithTheStderrTail() {
    CommandFailedException e = assertThrows(CommandFailedException.class, () -> runner.runChecked(
        Command.of(List.of("sh", "-c", "echo first >&2; echo 'ERROR: it broke' >&2; exit 3"), null,
            Duration.ofSeconds(10))));
    assertEquals(3, e.exitCode());
    assertTrue(e.stderrTail().contains("ERROR: it broke"), e.stderrTail());
    assertTrue(e.getMessage().contains("exited with 3"), e.getMessage());
  }

  @Test
  void aCommandThatOutlivesItsTimeoutIsKilled() {
    long started = System.nanoTime();
    assertThrows(CommandTimeoutException.class, () -> runner.run(
        Command.of(List.of("sleep", "30"), null, Duration.ofMillis(500))));
    assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
  }

  @Test
  void aStopRequestKillsTheCommand() {
    long started = System.nanoTime();
    CommandResult result = runner.run(Command.of(List.of("sleep", "30"), null, Duration.ofMinutes(1)),
        OutputListener.NONE, () -> System.nanoTime() - started > Duration.ofMillis(300).toNanos());
    assertTrue(result.exitCode() != 0);
    assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
  }

  @Test
  void missingProgramIsAClearFailure() {
    CommandFailedException e = assertThrows(CommandFailedException.class,
        () -> runner.run(Command.of(List.of("/nonexistent/pg_probackup", "show"), null,
            Duration.ofSeconds(5))));
    assertTrue(e.getMessage().contains("pg_probackup"), e.getMessage());
  }

  @Test
  void linesAreStreamedAndStdinAndEnvironmentArePassed() {
    // stdout and stderr are read on threads of their own: both add to the list
    List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    Command command = new Command(List.of("sh", "-c", "cat; echo \"$RF_TEST\" >&2"), null,
        Duration.ofSeconds(10), "one\ntwo\n", Map.of("RF_TEST", "from-env"));
    CommandResult result = runner.run(command, (stream, line) -> seen.add(stream + ":" + line),
        () -> false);
    assertEquals("one\ntwo\n", result.stdout());
    assertTrue(seen.containsAll(List.of("STDOUT:one", "STDOUT:two", "STDERR:from-env")), seen.toString());
  }

  @Test
  void aCommandGetsAFewNamesOfTheWorkersEnvironmentAndItsOwnButNoSecret() {
    Map<String, String> worker = Map.of(
        "AWS_SECRET_ACCESS_KEY", "s3-secret-7f3a", "RESTOREFLOW_KEY_PASS", "ssh-pass-7f3a",
        "RESTOREFLOW_TOKEN", "gateway-token-7f3a", "PATH", "/tmp/anyone-can-write:/usr/bin",
        "LANG", "C.UTF-8", "LC_TIME", "C", "TZ", "UTC", "HOME", "/home/worker", "USER", "worker");
    LocalCommandRunner withSecrets = new LocalCommandRunner(false, Redactor.NONE, worker);
    Command env = new Command(List.of("env"), null, Duration.ofSeconds(10), null,
        Map.of("PGAPPNAME", "restoreflow"));
    String out = withSecrets.runChecked(env).stdout();
    assertFalse(out.contains("7f3a"), out);
    Map<String, String> seen = new HashMap<>();
    out.lines().map(l -> l.split("=", 2)).forEach(kv -> seen.put(kv[0], kv[1]));
    assertEquals(Map.of("PATH", CommandEnvironment.PATH, "PGAPPNAME", "restoreflow",
        "LANG", "C.UTF-8", "LC_TIME", "C", "LC_MESSAGES", "C", "TZ", "UTC", "HOME", "/home/worker",
        "USER", "worker"), seen);
  }

  @Test
  void toolsSpeakEnglishWhateverTheWorkersLocaleSoTheirErrorsCanBeRead() {
    Map<String, String> worker = Map.of("LC_ALL", "de_DE.UTF-8", "LC_MESSAGES", "de_DE.UTF-8",
        "LANGUAGE", "de");
    Map<String, String> env = CommandEnvironment.of(worker, Command.of(List.of("env"), null, null),
        false);
    assertEquals("C", env.get("LC_MESSAGES"));
    assertFalse(env.containsKey("LC_ALL"), "LC_ALL would override LC_MESSAGES");
    assertEquals("de_DE.UTF-8", env.get("LANG"), "the rest of the locale stays the worker's");
  }

  @Test
  void aCommandRunAsAnotherUserLeavesItsHomeAndNameToRunuser() {
    Map<String, String> worker = Map.of("HOME", "/root", "USER", "root", "LOGNAME", "root",
        "LANG", "C.UTF-8");
    Command asOther = Command.of(List.of("env"), "postgres", null);
    assertEquals(Map.of("PATH", CommandEnvironment.PATH, "LANG", "C.UTF-8", "LC_MESSAGES", "C"),
        CommandEnvironment.of(worker, asOther, true));
  }

  @Test
  void rootRunsOtherUsersCommandsThroughRunuser() {
    LocalCommandRunner asRoot = new LocalCommandRunner(true, Redactor.NONE);
    assertEquals(List.of("runuser", "-u", "postgres", "--", "pg_ctl", "status"),
        asRoot.effectiveArgv(Command.of(List.of("pg_ctl", "status"), "postgres", null)));
    assertEquals(List.of("id"), asRoot.effectiveArgv(Command.of(List.of("id"), null, null)));
    assertEquals(List.of("id"), runner.effectiveArgv(Command.of(List.of("id"), "postgres", null)));
  }

  @Test
  void aStoppedCommandTakesItsChildrenAlong() throws Exception {
    String marker = ChildProcesses.marker();
    long started = System.nanoTime();
    try {
      CommandResult result = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> runner.run(
          ChildProcesses.spawner(marker, null, Duration.ofMinutes(5)), OutputListener.NONE,
          () -> System.nanoTime() - started > Duration.ofMillis(500).toNanos()),
          "run() returns soon after the stop request");
      assertTrue(result.exitCode() != 0);
      ChildProcesses.assertAllEnd(marker, Duration.ofSeconds(5));
    } finally {
      ChildProcesses.killLeftovers(marker);
    }
  }

  @Test
  void aCommandThatOutlivesItsTimeoutTakesItsChildrenAlongEvenAsAnotherUser() throws Exception {
    LocalCommandRunner asWorker = new LocalCommandRunner(OsUser.isRoot(), Redactor.NONE);
    String marker = ChildProcesses.marker();
    try {
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
          CommandTimeoutException.class, () -> asWorker.run(
              ChildProcesses.spawner(marker, "nobody", Duration.ofSeconds(1)))),
          "run() returns soon after the timeout");
      ChildProcesses.assertAllEnd(marker, Duration.ofSeconds(5));
    } finally {
      ChildProcesses.killLeftovers(marker);
    }
  }

  @Test
  void secretsAreMasked() {
    Redactor redactor = new Redactor(List.of("s3cr3t-key"));
    assertEquals("key=****** ok", redactor.redact("key=s3cr3t-key ok"));
  }
}
