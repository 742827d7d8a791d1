package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.pgdump.PgDumpConfig;
import dev.restoreflow.activities.pgdump.PgDumpEngine;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.JobState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code restoreflow restore} with a person at a terminal, driven through a pseudo-terminal: the
 * backups listed newest first, the chosen one and what the restore overwrites (host, database, its
 * size and open sessions), a confirmation that needs the instance's name. A wrong answer or
 * Ctrl-C starts nothing; the right one restores. Without a terminal it refuses unless --yes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class InteractiveRestoreIT {

  private static final Logger log = LoggerFactory.getLogger(InteractiveRestoreIT.class);
  private static final Duration LIMIT = Duration.ofMinutes(2);
  private static final String DB = "shop";
  private static final String ESC = "\u001b[";

  private ItSandbox main1;
  private ItTemporal temporal;
  private RestoreflowProcess worker;
  private Path configFile;
  private String older;
  private String newer;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    Path repository = Files.createDirectories(main1.stateDir().resolve("pgdump-repo"));
    main1.sandbox.sql("create database " + DB);
    InstanceConfig instance = CheckedSettings.checked("main1", main1.instance
        .withEngine(PgDumpEngine.NAME).withSettings(new PgDumpConfig("file://" + repository,
            null, null, null, null, null, null, null, null, DB, 1, 2,
            main1.stateDir().resolve("pgdump-staging").toString(), null, null)));
    ItServer server = ItTemporal.startServer();
    RestoreflowConfig config = new RestoreflowConfig(new TemporalConfig(server.target(),
        "default"), main1.stateDir().resolve("ledger.db").toString(),
        main1.stateDir().resolve("Logs").toString(), Map.of("local",
            new HostConfig(HostConfig.LOCAL)), Map.of("main1", instance), null);
    configFile = BaseBackups.writeConfig(main1, config);
    temporal = ItTemporal.start(server, config, List.of());
    worker = RestoreflowProcess.worker(configFile, "local", main1.stateDir().resolve("worker.log"));

    shop("create table items (id int primary key, name text);"
        + " insert into items select g, 'item ' || g from generate_series(1, 100) g");
    older = backup();
    shop("insert into items select g, 'more ' || g from generate_series(101, 150) g");
    newer = backup();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (temporal != null) {
      temporal.close();
    }
    if (main1 != null) {
      main1.close();
    }
  }

  @Test
  @Order(1)
  void theListTheDetailsAndAWrongConfirmationThatStartsNothing() throws Exception {
    Set<String> before = workflowIds();
    Process session = openSession();
    try (PseudoTerminal terminal = PseudoTerminal.restoreflow(Map.of("NO_COLOR", "1"),
        List.of(), "restore", "--config", configFile.toString(), "--instance", "main1")) {
      String list = terminal.expect("Backup to restore [1-2 or an id; Enter = 1; q = quit]: ",
          LIMIT);
      assertTrue(list.contains("Backups of main1 (pgdump), newest first:"), list);
      assertTrue(list.indexOf("  1  " + newer) < list.indexOf("  2  " + older), list);
      terminal.type("2");
      String details = terminal.expect("Type the instance name (main1) to restore it; anything"
          + " else cancels: ", LIMIT);
      assertTrue(details.contains("Restore main1 from backup " + older), details);
      assertTrue(details.contains("target    host local: database shop at "
          + main1.instance.connectHost() + ":" + main1.instance.port()), details);
      assertTrue(details.matches("(?s).*now +PostgreSQL running, [0-9.]+ MiB, 1 open session,"
          + " ended by the restore.*"), details);
      assertTrue(details.contains("steps     PlanRestore > PgDumpRestore > VerifyCluster"),
          details);
      terminal.type("main2");
      terminal.expect("Cancelled: nothing was started.", LIMIT);
      assertEquals(1, terminal.waitFor(LIMIT), terminal.screen());
      assertFalse(terminal.screen().contains(ESC), "NO_COLOR: " + terminal.screen());
      log.info("the terminal of a cancelled restore:\n{}", terminal.screen());
    } finally {
      endSession(session);
    }
    assertNoRestoreSince(before);
    assertEquals("150", shop("select count(*) from items").strip());
  }

  @Test
  @Order(2)
  void ctrlCAtTheConfirmationStartsNothing() throws Exception {
    Set<String> before = workflowIds();
    try (PseudoTerminal terminal = PseudoTerminal.restoreflow(Map.of(), List.of("NO_COLOR"),
        "restore", "--config", configFile.toString(), "--instance", "main1", "--no-color")) {
      terminal.expect("Enter = 1; q = quit]: ", LIMIT);
      terminal.type("");
      String details = terminal.expect("anything else cancels: ", LIMIT);
      assertTrue(details.contains("Restore main1 from backup " + newer), details);
      assertTrue(details.contains("no open sessions"), details);
      terminal.interrupt();
      assertNotEquals(0, terminal.waitFor(LIMIT), terminal.screen());
      assertFalse(terminal.screen().contains(ESC), "--no-color: " + terminal.screen());
    }
    assertNoRestoreSince(before);
  }

  @Test
  @Order(3)
  void theInstanceNameConfirmsAndTheChosenBackupIsRestored() throws Exception {
    shop("delete from items where id > 10");
    try (PseudoTerminal terminal = PseudoTerminal.restoreflow(Map.of(), List.of("NO_COLOR"),
        "restore", "--config", configFile.toString(), "--instance", "main1")) {
      terminal.expect("Enter = 1; q = quit]: ", LIMIT);
      terminal.type(older);
      terminal.expect("anything else cancels: ", LIMIT);
      terminal.type("main1");
      String followed = terminal.expect("SUCCEEDED", LIMIT);
      assertTrue(followed.contains("PgDumpRestore"), followed);
      assertEquals(0, terminal.waitFor(LIMIT), terminal.screen());
      assertTrue(terminal.screen().contains(ESC + "32mSUCCEEDED"), "colour on a terminal: "
          + terminal.screen());
      log.info("the terminal of a confirmed restore:\n{}", terminal.screen());
    }
    assertEquals("100", shop("select count(*) from items").strip());
  }

  @Test
  @Order(4)
  void withoutATerminalItRefusesUnlessYes() throws Exception {
    Set<String> before = workflowIds();
    RestoreflowProcess.Output refused = RestoreflowProcess.runApart(LIMIT, Map.of(), "restore",
        "--config", configFile.toString(), "--instance", "main1");
    assertEquals(2, refused.exitCode(), refused.stderr());
    assertTrue(refused.stderr().contains("is confirmed in a terminal; run it in one, or add --yes"),
        refused.stderr());
    assertNoRestoreSince(before);

    RestoreflowProcess.Output quiet = RestoreflowProcess.runApart(LIMIT, Map.of(), "restore",
        "--config", configFile.toString(), "--instance", "main1", "--yes", "--follow",
        "--quiet");
    assertEquals(0, quiet.exitCode(), quiet.stdout() + quiet.stderr());
    assertEquals("", quiet.stdout(), "--quiet prints nothing when the job succeeds");
    assertEquals("150", shop("select count(*) from items").strip(), "the newest backup");
  }

  /** A psql session on the database, held open. */
  private Process openSession() throws Exception {
    InstanceConfig i = main1.instance;
    Process session = new ProcessBuilder("runuser", "-u", i.osUser(), "--", i.pgTool("psql"),
        "-X", "-h", i.connectHost(), "-p", String.valueOf(i.port()), "-d", DB, "-c",
        "select pg_sleep(600)").directory(Path.of("/").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!main1.sandbox.sql("select count(*) from pg_stat_activity where datname = '" + DB
        + "' and query like '%pg_sleep(600)%'").strip().equals("1")) {
      assertTrue(System.nanoTime() < deadline, "the session did not start");
      Thread.sleep(100);
    }
    return session;
  }

  private void endSession(Process session) throws Exception {
    session.destroyForcibly();
    main1.sandbox.sql("select pg_terminate_backend(pid) from pg_stat_activity"
        + " where query like '%pg_sleep(600)%' and pid <> pg_backend_pid()");
  }

  private String backup() throws Exception {
    BackupResult result = temporal.restoreflow.awaitBackup(temporal.restoreflow.submitBackup(
        BackupRequest.of("main1")).jobId(), LIMIT);
    assertEquals(JobState.SUCCEEDED, result.state(), result.message());
    return result.backupId();
  }

  private void assertNoRestoreSince(Set<String> before) {
    List<String> started = new ArrayList<>(workflowIds());
    started.removeAll(before);
    assertTrue(started.stream().noneMatch(id -> id.startsWith("restore-")),
        "a restore was started: " + started);
  }

  private Set<String> workflowIds() {
    return WorkflowIds.of(temporal);
  }

  private String shop(String sql) throws Exception {
    return main1.psql(DB, sql);
  }
}
