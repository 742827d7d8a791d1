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
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream before = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = Main.run("restore", "--config", config.toString(), "--instance", "main1",
          "--host", "S-DB2");
    } finally {
      System.setErr(before);
    }
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, exit, message);
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
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream before = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = Main.run("restore", "--config", config.toString(), "--instance", "main1",
          "--incremental", "--full");
    } finally {
      System.setErr(before);
    }
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, exit, message);
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
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream before = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      // the tests' standard input and output are pipes, as in a script
      exit = Main.run("restore", "--config", config.toString(), "--instance", "main1",
          "--backup-id", "SCUN1Q");
    } finally {
      System.setErr(before);
    }
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, exit, message);
    assertEquals("restoreflow: a restore overwrites instance main1 on host S-DB1 and is confirmed"
        + " in a terminal; run it in one, or add --yes to start it without asking (scripts)",
        message.strip());
    assertTrue(Files.notExists(dir.resolve("Logs")), "stopped before logging was set up");
  }
}
