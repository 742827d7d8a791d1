package dev.restoreflow.activities.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Starts that fail and a promote that races the server, through a script of what the commands
 * answer: this machine has no systemd (pg_ctl's own log is read from a real failed start in
 * WontStartIT), and the race is a matter of milliseconds.
 */
class ClusterControlTest {

  private static final String JOURNAL = """
      Nov 29 12:00:01 db1 postgresql@15-main[811]: 2026-11-29 12:00:01 UTC [811] LOG:  invalid value for parameter "shared_buffers": "lots"
      Nov 29 12:00:01 db1 postgresql@15-main[811]: 2026-11-29 12:00:01 UTC [811] FATAL:  configuration file "/var/lib/postgresql/15/main/postgresql.auto.conf" contains errors
      Nov 29 12:00:01 db1 systemd[1]: postgresql@15-main.service: Failed with result 'protocol'.
      """;

  private final List<Command> ran = new ArrayList<>();

  @Test
  void aUnitThatFailsToStartQuotesItsJournalAndIsNotRetried() {
    ClusterControl cluster = new ClusterControl(runner(command -> switch (command.program()) {
      case "systemctl" -> result(1, "", "Job for postgresql@15-main.service failed because the"
          + " service did not take the steps required by its unit configuration.\n");
      case "journalctl" -> result(0, JOURNAL, "");
      default -> result(3, "pg_ctl: no server running\n", "");   // pg_ctl status
    }), instance("postgresql@15-main"));

    ClusterStartFailedException e = assertThrows(ClusterStartFailedException.class,
        () -> cluster.start(() -> false));

    assertTrue(ran.stream().anyMatch(c -> c.argv().equals(List.of("journalctl", "-u",
        "postgresql@15-main", "-n", "20", "--no-pager")) && c.runAs() == null), ran.toString());
    assertTrue(e.getMessage().startsWith("PostgreSQL refused to start /var/lib/postgresql/15/main:"
        + " systemctl exited with 1 (Job for postgresql@15-main.service failed"), e.getMessage());
    assertTrue(e.getMessage().contains("Last lines of the journal of postgresql@15-main:\n  Nov 29"
        + " 12:00:01 db1 postgresql@15-main[811]: 2026-11-29 12:00:01 UTC [811] LOG:  invalid value"
        + " for parameter \"shared_buffers\": \"lots\"\n"), e.getMessage());
    assertTrue(e.getMessage().contains("FATAL:  configuration file"), e.getMessage());
  }

  @Test
  void aStartThatFailsWhileTheServerRunsIsAnOrdinaryCommandFailure() {
    int[] statusCalls = {0};
    ClusterControl cluster = new ClusterControl(runner(command -> {
      if (command.argv().contains("status")) {
        return result(statusCalls[0]++ == 0 ? 3 : 0, "", "");   // stopped, then running
      }
      return result(1, "", "pg_ctl: server did not start in time\n");
    }), instance(null));

    CommandFailedException e = assertThrows(CommandFailedException.class,
        () -> cluster.start(() -> false));
    assertTrue(e.getMessage().contains("server did not start in time"), e.getMessage());
    assertEquals(0, ran.stream().filter(c -> c.program().equals("tail")).count());
  }

  @Test
  void aServerThatPromotesItselfWhilePgCtlPromoteRunsIsPromoted() {
    int[] recoveryChecks = {0};
    ClusterControl cluster = new ClusterControl(runner(command -> {
      if (command.program().endsWith("psql")) {   // in recovery, then out of it
        return result(0, recoveryChecks[0]++ == 0 ? "t\n" : "f\n", "");
      }
      return result(1, "", "pg_ctl: cannot promote server; server is not in standby mode\n");
    }), instance(null));

    String outcome = cluster.promote(() -> false);

    assertEquals("promoted itself at the end of recovery; out of recovery", outcome);
    assertEquals(1, ran.stream().filter(c -> c.argv().contains("promote")).count());
  }

  @Test
  void aPromoteThatFailsWhileTheServerStaysInRecoveryIsACommandFailure() {
    ClusterControl cluster = new ClusterControl(runner(command -> command.program().endsWith("psql")
        ? result(0, "t\n", "")
        : result(1, "", "pg_ctl: could not send promote signal: Permission denied\n")),
        instance(null));

    CommandFailedException e = assertThrows(CommandFailedException.class,
        () -> cluster.promote(() -> false));
    assertTrue(e.getMessage().contains("could not send promote signal"), e.getMessage());
  }

  private static InstanceConfig instance(String unit) {
    return new InstanceConfig("probackup", "db1", "/var/lib/postgresql/15/main", null, unit, 5432,
        "postgres", "/usr/lib/postgresql/15/bin", "/var/log/postgresql/main.log", "127.0.0.1",
        "postgres", "postgres", List.of("select 1"), false, true, 60, 120, null, null);
  }

  private static CommandResult result(int exit, String stdout, String stderr) {
    return new CommandResult(exit, stdout, stderr, 1);
  }

  /** Runs {@code script}; no unfinished-restore marker is there (dd finds no file). */
  private CommandRunner runner(Function<Command, CommandResult> script) {
    return new CommandRunner() {
      @Override
      public CommandResult run(Command command, OutputListener listener,
          BooleanSupplier stopRequested) {
        ran.add(command);
        if (command.program().equals("dd")) {
          return result(1, "", "dd: failed to open '" + command.argv().get(1).substring(3)
              + "': No such file or directory\n");
        }
        return script.apply(command);
      }

      @Override
      public String where() {
        return "script";
      }
    };
  }
}
