package dev.restoreflow.activities.exec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SshCommandRunnerTest {

  private final SshCommandRunner runner = new SshCommandRunner(new SshSettings("db1", 22,
      "postgres", "/k", null, "/kh", false, Duration.ofSeconds(5)), Redactor.NONE);

  @Test
  void everyArgumentIsSingleQuotedForTheRemoteShell() {
    assertEquals("'a b'", SshCommandRunner.quote("a b"));
    assertEquals("'it'\"'\"'s'", SshCommandRunner.quote("it's"));
    assertEquals("'$(id); `id`'", SshCommandRunner.quote("$(id); `id`"));
    assertEquals("''", SshCommandRunner.quote(""));
  }

  @Test
  void otherUsersAndEnvironmentArePartOfTheQuotedLine() {
    Command asOther = new Command(List.of("pg_ctl", "status"), "other", null, null,
        Map.of("PGDATA", "/x y"));
    assertEquals("echo restoreflow-pgid $$ >&2; exec"
        + " 'runuser' '-u' 'other' '--' 'env' 'PGDATA=/x y' 'pg_ctl' 'status'",
        runner.remoteCommandLine(asOther));
    assertEquals("echo restoreflow-pgid $$ >&2; exec 'pg_ctl' 'status'",
        runner.remoteCommandLine(Command.of(List.of("pg_ctl", "status"), "postgres", null)));
  }

  @Test
  void theProcessGroupMarkerIsTakenOutOfStderrWhateverTheChunks() throws Exception {
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    RemoteProcessGroup group = new RemoteProcessGroup(stderr);
    byte[] remote = "restoreflow-pgid 4711\nWARNING: x\nrestoreflow-pgid 1\n".getBytes(UTF_8);
    group.write(remote, 0, 7);
    assertEquals(OptionalLong.empty(), group.await(0));
    group.write(remote, 7, 20);
    group.write(remote, 27, remote.length - 27);
    group.finish();
    assertEquals(OptionalLong.of(4711), group.await(0));
    assertEquals("WARNING: x\nrestoreflow-pgid 1\n", stderr.toString(UTF_8));
  }

  @Test
  void linesBeforeTheMarkerPassAndOnlyTheFirstMarkerIsTaken() throws Exception {
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    RemoteProcessGroup group = new RemoteProcessGroup(stderr);
    String longLine = "a rc file's long line " + "y".repeat(100);
    group.write((longLine + "\nrestoreflow-pgid 77\nrestoreflow-pgid 78\n").getBytes(UTF_8));
    group.finish();
    assertEquals(OptionalLong.of(77), group.await(0));
    assertEquals(longLine + "\nrestoreflow-pgid 78\n", stderr.toString(UTF_8));
  }

  @Test
  void stderrWithoutTheMarkerPassesUnchanged() throws Exception {
    for (String text : List.of("bash: runuser: command not found\n", "short", "x".repeat(200))) {
      ByteArrayOutputStream stderr = new ByteArrayOutputStream();
      RemoteProcessGroup group = new RemoteProcessGroup(stderr);
      group.write(text.getBytes(UTF_8));
      group.finish();
      assertEquals(text, stderr.toString(UTF_8));
      assertEquals(OptionalLong.empty(), group.await(0));
    }
  }

  @Test
  void theGroupKillGetsTheGroupIdAndNeverAPidOfOneOrLess() {
    List<String> argv = ProcessGroupKill.argv(4711);
    assertEquals(List.of("sh", "-c"), argv.subList(0, 2));
    assertEquals(List.of("sh", "4711", "50"), argv.subList(3, 6));
    assertThrows(IllegalArgumentException.class, () -> ProcessGroupKill.argv(1));
    assertThrows(IllegalArgumentException.class, () -> ProcessGroupKill.argv(0));
  }
}
