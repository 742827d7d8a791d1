package dev.restoreflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `restoreflow restore` checks the request against the config before it asks Temporal. */
class RestoreCommandTest {

  @Test
  void aHostTheInstanceDoesNotDeclareIsACliErrorBeforeAnyJobStarts(@TempDir Path dir)
      throws Exception {
    // port 1: nothing listens there, so a command that got as far as Temporal would fail apart
    Path config = Files.writeString(dir.resolve("config.json"), """
        {"temporal": {"target": "127.0.0.1:1"},
         "hosts": {"S-DB1": {"kind": "local"}, "S-DB2": {"kind": "local"}},
         "instances": {"main1": {"host": "S-DB1", "pgdata": "/var/lib/postgresql/15/main",
                                 "probackup": {"catalog": "/mnt/backups"}}}}
        """);
    Refusal refused = run("restore", "--config", config.toString(), "--instance", "main1",
        "--host", "S-DB2");
    String message = refused.message();
    assertEquals(2, refused.exit(), message);
    assertTrue(message.startsWith("restoreflow: HOST_NOT_ALLOWED: instance 'main1' may not be"
        + " restored onto host 'S-DB2'"), message);
    assertTrue(Files.notExists(dir.resolve("Logs")), "stopped before logging was set up");
  }

  @Test
  void incrementalAndFullTogetherAreACliErrorBeforeAnyJobStarts(@TempDir Path dir)
      throws Exception {
    Path config = Files.writeString(dir.resolve("config.json"), """
        {"temporal": {"target": "127.0.0.1:1"},
         "hosts": {"S-DB1": {"kind": "local"}},
         "instances": {"main1": {"host": "S-DB1", "pgdata": "/var/lib/postgresql/15/main",
                                 "probackup": {"catalog": "/mnt/backups"}}}}
        """);
    Refusal refused = run("restore", "--config", config.toString(), "--instance", "main1",
        "--incremental", "--full");
    String message = refused.message();
    assertEquals(2, refused.exit(), message);
    assertTrue(message.startsWith("restoreflow: INVALID_REQUEST: a restore is either incremental"),
        message);
  }

  @Test
  void withoutATerminalAndWithoutYesNothingIsAskedOfTemporal(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("config.json"), """
        {"temporal": {"target": "127.0.0.1:1"},
         "hosts": {"S-DB1": {"kind": "local"}},
         "instances": {"main1": {"host": "S-DB1", "pgdata": "/var/lib/postgresql/15/main",
                                 "probackup": {"catalog": "/mnt/backups"}}}}
        """);
    // the tests' standard input and output are pipes, as in a script
    Refusal refused = run("restore", "--config", config.toString(), "--instance", "main1",
        "--backup-id", "SCUN1Q");
    String message = refused.message();
    assertEquals(2, refused.exit(), message);
    assertEquals("restoreflow: a restore overwrites instance main1 on host S-DB1 and is confirmed"
        + " in a terminal; run it in one, or add --yes to start it without asking (scripts)",
        message.strip());
    assertTrue(Files.notExists(dir.resolve("Logs")), "stopped before logging was set up");
  }

  /** What the command printed on standard error, and its exit code. */
  private record Refusal(int exit, String message) {}

  private static Refusal run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = Main.run(args);
      return new Refusal(exit, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(before);
    }
  }
}
