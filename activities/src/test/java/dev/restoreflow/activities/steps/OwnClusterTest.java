package dev.restoreflow.activities.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which reads the RPO makes of the instance's own cluster, and what it concludes from them. */
class OwnClusterTest {

  private static final InstanceConfig INSTANCE = new InstanceConfig("probackup", "db1",
      "/data/main1", null, null, 5432, "postgres", "/usr/lib/postgresql/15/bin", null,
      "127.0.0.1", "postgres", "postgres", List.of(), false, true, 60, 60, null);

  /** A host whose programs answer as the test says; it records what ran. */
  private static final class Host implements CommandRunner {
    /** In any order: psql asks beside pg_ctl status. */
    final List<Command> ran = Collections.synchronizedList(new ArrayList<>());
    private final Function<Command, CommandResult> answers;

    Host(Function<Command, CommandResult> answers) {
      this.answers = answers;
    }

    @Override
    public CommandResult run(Command command, OutputListener listener, BooleanSupplier stop) {
      ran.add(command);
      return answers.apply(command);
    }

    @Override
    public String where() {
      return "test";
    }

    List<String> programs() {
      synchronized (ran) {
        return ran.stream().map(c -> Path.of(c.program()).getFileName().toString()).sorted()
            .toList();
      }
    }

    Command ranProgram(String name) {
      synchronized (ran) {
        return ran.stream().filter(c -> program(c).equals(name)).findFirst().orElseThrow();
      }
    }
  }

  private static CommandResult ok(String out) {
    return new CommandResult(0, out, "", 1);
  }

  private static String program(Command c) {
    return Path.of(c.program()).getFileName().toString();
  }

  @Test
  void aRunningClusterWithCommitTimestampsAnswersItsNewestCommit() {
    Host host = new Host(c -> switch (program(c)) {
      case "pg_ctl" -> ok("pg_ctl: server is running\n");
      case "psql" -> ok("1796029934.5\n");
      default -> throw new AssertionError(c.argv());
    });
    NewestData newest = OwnCluster.read(host, INSTANCE, true);
    assertEquals(NewestData.commit(Instant.parse("2026-11-30T09:12:14.500Z")), newest);
    assertEquals(List.of("pg_ctl", "psql"), host.programs(), "one psql asks both questions");
    List<String> psql = host.ranProgram("psql").argv();
    assertEquals(OwnCluster.NEWEST_COMMIT, psql.get(psql.size() - 1));
  }

  @Test
  void trackingOffOrNoCommitYetAreSaid() {
    Host off = new Host(c -> program(c).equals("pg_ctl") ? ok("") : ok("off\n"));
    assertEquals(NewestData.Kind.RUNNING_UNTRACKED, OwnCluster.read(off, INSTANCE, true).kind());
    Host none = new Host(c -> program(c).equals("pg_ctl") ? ok("") : ok("\n"));
    assertEquals(NewestData.Kind.RUNNING_NO_COMMIT_RECORDED,
        OwnCluster.read(none, INSTANCE, true).kind());
    Host refused = new Host(c -> program(c).equals("pg_ctl") ? ok("")
        : new CommandResult(2, "", "psql: error: connection refused", 1));
    NewestData unreadable = OwnCluster.read(refused, INSTANCE, true);
    assertEquals(NewestData.Kind.RUNNING_UNREADABLE, unreadable.kind());
    assertTrue(unreadable.note().contains("connection refused"), unreadable.note());
  }

  @Test
  void aStoppedClusterAnswersItsLatestCheckpointInUtcAndTheCLocale() {
    Host host = new Host(c -> program(c).equals("pg_ctl") ? new CommandResult(3, "", "", 1)
        : ok("Time of latest checkpoint:            Mon Nov 30 09:05:30 2026\n"));
    assertEquals(NewestData.checkpoint(Instant.parse("2026-11-30T09:05:30Z")),
        OwnCluster.read(host, INSTANCE, true));
    Command controlData = host.ranProgram("pg_controldata");
    assertEquals(List.of("/usr/lib/postgresql/15/bin/pg_controldata", "-D", "/data/main1"),
        controlData.argv());
    assertEquals(Map.of("LC_ALL", "C", "TZ", "UTC"), controlData.environment());
    assertEquals("postgres", controlData.runAs());
  }

  @Test
  void aStoppedClusterIsReadByItsCheckpointWhateverPsqlAnswered() {
    Host host = new Host(c -> switch (program(c)) {
      case "pg_ctl" -> new CommandResult(3, "", "", 1);
      case "psql" -> ok("1796029934.5\n");   // the speculative question; not this cluster's answer
      case "pg_controldata" -> ok("Time of latest checkpoint:            Mon Nov 30 09:05:30 2026\n");
      default -> throw new AssertionError(c.argv());
    });
    assertEquals(NewestData.checkpoint(Instant.parse("2026-11-30T09:05:30Z")),
        OwnCluster.read(host, INSTANCE, true));
  }

  @Test
  void noDataDirectoryOrAFailingToolLeavesItUnknownAndAServerEngineAsksNothing() {
    Host empty = new Host(c -> new CommandResult(4, "", "", 1));
    assertEquals(NewestData.Kind.UNKNOWN, OwnCluster.read(empty, INSTANCE, true).kind());
    Host broken = new Host(c -> program(c).equals("pg_ctl") ? new CommandResult(3, "", "", 1)
        : new CommandResult(1, "", "pg_controldata: could not open file", 1));
    NewestData unknown = OwnCluster.read(broken, INSTANCE, true);
    assertEquals(NewestData.Kind.UNKNOWN, unknown.kind());
    assertTrue(unknown.note().contains("could not open file"), unknown.note());
    Host server = new Host(c -> {
      throw new AssertionError("nothing runs for a server engine: " + c.argv());
    });
    assertEquals(NewestData.Kind.SERVER_RUNNING, OwnCluster.read(server, INSTANCE, false).kind());
  }
}
