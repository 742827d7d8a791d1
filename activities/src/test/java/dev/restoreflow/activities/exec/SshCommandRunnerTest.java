package dev.restoreflow.activities.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    assertEquals("'runuser' '-u' 'other' '--' 'env' 'PGDATA=/x y' 'pg_ctl' 'status'",
        runner.remoteCommandLine(asOther));
    assertEquals("'pg_ctl' 'status'",
        runner.remoteCommandLine(Command.of(List.of("pg_ctl", "status"), "postgres", null)));
  }
}
