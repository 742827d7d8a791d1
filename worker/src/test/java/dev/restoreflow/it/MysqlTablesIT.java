package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.mysqltables.MysqlTablesActivities;
import dev.restoreflow.activities.mysqltables.MysqlTablesConfig;
import dev.restoreflow.activities.mysqltables.MysqlTablesEngine;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.RetentionRequest;
import dev.restoreflow.workflows.model.RetentionResult;
import dev.restoreflow.workflows.model.StepProgress;
import io.temporal.client.WorkflowFailedException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * The mysqltables engine on a real MariaDB server: a backup of two tables taken while another
 * connection keeps moving money between them keeps their sum after both are restored, and each
 * restored table has the rows and checksum (computed here, with the test's own query) of the
 * manifest; a restore of one table leaves the other alone; bad requests and damaged archives
 * change nothing. The host worker is a separate process, as in production.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MysqlTablesIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(3);
  private static final String DB = "shop";
  private static final String PASSWORD_ENV = "RF_IT_MYSQL_PASSWORD";
  private static final String PASSWORD = "it's a \"pass\\word\"";
  private static final int ACCOUNTS = 20_000;
  private static final long TOTAL = 2L * ACCOUNTS * 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private MariaDbServer mariadb;
  private Path state;
  private Path archives;
  private ItTemporal temporal;
  private RestoreflowProcess worker;
  private Path configFile;
  private Path dumpDelay;
  private Path loadDelay;
  private String backupId;
  private JsonNode manifest;

  @BeforeAll
  void setUp() throws Exception {
    mariadb = MariaDbServer.start();
    Files.createDirectories(ItSandbox.root());
    state = Files.createTempDirectory(ItSandbox.root(), "mysqltables-");
    archives = Files.createDirectories(state.resolve("archives"));
    mariadb.sql("CREATE DATABASE " + DB + "; CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '"
        + PASSWORD.replace("\\", "\\\\").replace("'", "\\'") + "'; GRANT ALL ON *.* TO"
        + " 'backup'@'127.0.0.1'");
    shop("CREATE TABLE acct_a (id INT PRIMARY KEY, balance BIGINT NOT NULL, note VARCHAR(40));"
        + "CREATE TABLE acct_b (id INT PRIMARY KEY, balance BIGINT NOT NULL, note VARCHAR(40));"
        + "CREATE TABLE untouched (id INT PRIMARY KEY, v TEXT);"
        + "INSERT INTO acct_a SELECT seq, 1000, IF(seq % 7 = 0, NULL, CONCAT('a''', seq))"
        + " FROM seq_1_to_" + ACCOUNTS + ";"
        + "INSERT INTO acct_b SELECT seq, 1000, CONCAT('b\\t', seq) FROM seq_1_to_" + ACCOUNTS
        + ";"
        + "INSERT INTO untouched VALUES (1, 'one'), (2, NULL)");
    Path bin = slowTools(Files.createDirectories(state.resolve("bin")));
    InstanceConfig instance = CheckedSettings.checked("m1", new InstanceConfig(
        MysqlTablesEngine.NAME, "local", null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, new MysqlTablesConfig(archives.toString(), null,
            mariadb.port(), null, DB, "backup", PASSWORD_ENV, bin.toString(), null, 1)));
    ItServer server = ItTemporal.startServer();
    RestoreflowConfig config = new RestoreflowConfig(new TemporalConfig(server.target(),
        "default"), state.resolve("ledger.db").toString(), state.resolve("Logs").toString(),
        Map.of("local", new HostConfig(HostConfig.LOCAL)), Map.of("m1", instance), null);
    configFile = RestoreflowProcess.writeConfig(config, state.resolve("config.json"));
    temporal = ItTemporal.start(server, config, List.of());
    worker = startWorker();
  }

  private RestoreflowProcess startWorker() throws IOException {
    return RestoreflowProcess.worker(configFile, "local", state.resolve("worker.log"),
        Map.of(PASSWORD_ENV, PASSWORD));
  }

  /**
   * mariadb and mariadb-dump as the engine runs them, through wrappers that can slow the dump's
   * output, or a load into the scratch database, line by line (so a test can kill the worker in
   * the middle); no delay = the real tool itself.
   */
  private Path slowTools(Path bin) throws IOException {
    dumpDelay = Files.writeString(bin.resolve("dump-delay"), "0");
    loadDelay = Files.writeString(bin.resolve("load-delay"), "0");
    Path dump = bin.resolve("mariadb-dump");
    Files.writeString(dump, """
        #!/usr/bin/env bash
        # test wrapper: mariadb-dump, its output slowed down by the test's delay (s per line)
        delay="$(cat '%s' 2>/dev/null || echo 0)"
        [ "$delay" = "0" ] && exec /usr/bin/mariadb-dump "$@"
        set -o pipefail
        /usr/bin/mariadb-dump "$@" | while IFS= read -r line; do
          printf '%%s\\n' "$line"; sleep "$delay"; done
        """.formatted(dumpDelay));
    Path client = bin.resolve("mariadb");
    Files.writeString(client, """
        #!/usr/bin/env bash
        # test wrapper: mariadb; a load into the scratch database slowed down by the test's delay
        delay="$(cat '%s' 2>/dev/null || echo 0)"
        case " $* " in *_restoreflow\\ *) loading=1 ;; esac
        { [ "$delay" = "0" ] || [ -z "$loading" ]; } && exec /usr/bin/mariadb "$@"
        while IFS= read -r line; do printf '%%s\\n' "$line"; sleep "$delay"; done \\
          | /usr/bin/mariadb "$@"
        """.formatted(loadDelay));
    for (Path tool : List.of(dump, client)) {
      Files.setPosixFilePermissions(tool, java.nio.file.attribute.PosixFilePermissions
          .fromString("rwxr-xr-x"));
    }
    return bin;
  }

  @AfterAll
  void tearDown() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (temporal != null) {
      temporal.close();
    }
    if (mariadb != null) {
      mariadb.close();
    }
    if (state != null) {
      try (Stream<Path> walk = Files.walk(state)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * While another connection moves money between acct_a and acct_b in transactions, a backup of
   * both; both restored from the archive keep the sum, and have the manifest's rows and
   * checksums.
   */
  @Test
  @Order(1)
  void aBackupTakenWhileMoneyMovesKeepsTheSumAfterRestoringBothTables() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong moved = new AtomicLong();   // transactions committed
    Thread mover = new Thread(() -> moveMoney(stop, moved), "mover");
    mover.start();
    long movedBefore;
    BackupResult result;
    try {
      waitUntil(() -> moved.get() > 50, Duration.ofSeconds(20), "the mover starts");
      movedBefore = moved.get();
      String name = "2030-01-02_03-04-05-backup.7z";
      result = temporal.restoreflow.awaitBackup(temporal.restoreflow.submitBackup(
          BackupRequest.of("m1").withName(name).withTables(List.of("acct_a", "acct_b.sql")))
          .jobId(), JOB_LIMIT);
      assertEquals(JobState.SUCCEEDED, result.state(), result.message());
      assertEquals(name, result.backupId());
    } finally {
      stop.set(true);
      mover.join(20_000);
    }
    assertTrue(moved.get() > movedBefore + 10, "money moved during the backup: "
        + movedBefore + " -> " + moved.get());
    backupId = result.backupId();
    assertEquals(List.of(backupId), archiveFiles(), "only the promised name, nothing partial");
    manifest = JSON.readTree(sevenZip("e", "-so", archives.resolve(backupId).toString(),
        "manifest.json"));
    assertEquals(List.of("acct_a", "acct_b"), List.of(manifest.get("tables").get(0).get("name")
        .asText(), manifest.get("tables").get(1).get("name").asText()));
    assertTrue(manifest.get("binlog").asText().startsWith("binlog."), manifest.toString());
    assertTrue(manifest.get("writersHeldMillis").asLong() < 5000, manifest.toString());
    assertTrue(sevenZip("l", "-slt", archives.resolve(backupId).toString())
        .contains("Path = acct_b.sql"));

    // the live tables move on; the restore brings back the archive's moment
    assertEquals(TOTAL, totalBalance(), "the mover keeps the sum");
    shop("UPDATE acct_a SET balance = balance + 1 WHERE id < 100; DELETE FROM acct_b WHERE id"
        + " > 19990");
    RestoreResult restored = restore(RestoreRequest.of("m1").withBackupId(backupId)
        .withTables(List.of("acct_a.sql", "acct_b.sql")));
    assertEquals(JobState.SUCCEEDED, restored.state(), restored.message());
    assertEquals(List.of(Steps.PLAN, MysqlTablesActivities.RESTORE_STEP,
        MysqlTablesActivities.VERIFY_STEP), restored.steps().stream().map(StepProgress::name)
        .toList());
    assertEquals(TOTAL, totalBalance(), "the restored tables keep the sum");
    for (JsonNode table : manifest.get("tables")) {
      assertEquals(table.get("rows").asLong() + " " + table.get("checksum").asText(),
          contents(table.get("name").asText()), table.get("name").asText());
    }
    assertEquals(String.valueOf(ACCOUNTS), shop("SELECT COUNT(*) FROM acct_b").strip());
    assertTrue(shop("SHOW TABLES LIKE 'acct_a_before_%'").strip().matches(
        "acct_a_before_\\d{8}_\\d{6}"), "the former acct_a is kept aside");
    assertEquals("", mariadb.sql("SHOW DATABASES LIKE '" + DB + "_restoreflow'").strip());
  }

  /** A restore of acct_a alone leaves acct_b as it is. */
  @Test
  @Order(2)
  void restoringOneTableLeavesTheOtherUntouched() throws Exception {
    shop("UPDATE acct_a SET balance = 0 WHERE id <= 10; UPDATE acct_b SET balance = 7 WHERE id"
        + " <= 10");
    String acctB = contents("acct_b");
    RestoreResult restored = restore(RestoreRequest.of("m1").withBackupId(backupId)
        .withTables(List.of("acct_a")));
    assertEquals(JobState.SUCCEEDED, restored.state(), restored.message());
    JsonNode a = manifest.get("tables").get(0);
    assertEquals(a.get("rows").asLong() + " " + a.get("checksum").asText(), contents("acct_a"));
    assertEquals(acctB, contents("acct_b"), "acct_b untouched");
  }

  /** An unknown table, a name with / or .. or quotes: INVALID_REQUEST, nothing written. */
  @Test
  @Order(3)
  void badTablesAreRefusedAndNothingIsWritten() throws Exception {
    List<String> before = archiveFiles();
    String none = backupRefused(null);
    assertTrue(none.contains("name at least one table"), none);
    String unknown = backupRefused(List.of("acct_a", "nosuch"));
    assertTrue(unknown.contains("nosuch"), unknown);
    for (String bad : List.of("../acct_a", "a/b", "..", "acct'a", "acct\"a", "acct`a")) {
      backupRefused(List.of("acct_a", bad));
    }
    BackupRequest both = BackupRequest.of("m1").withTables(List.of("acct_a", "acct_b"));
    for (String name : List.of("x.7z", "../2030-01-01_00-00-00-backup.7z",
        "2030-13-01_00-00-00-backup.7z", backupId)) {   // the last one exists
      backupRefused(both.withName(name), "INVALID_REQUEST");
    }
    backupRefused(both.withDir("elsewhere"), "NOT_SUPPORTED");
    assertEquals(before, archiveFiles(), "nothing written");
    String missing = restoreFails(RestoreRequest.of("m1").withBackupId(backupId)
        .withTables(List.of("untouched")), "INVALID_REQUEST");
    assertTrue(missing.contains("not in archive"), missing);
  }

  /**
   * An archive whose headers are damaged is CORRUPT in the catalog; a restore of it, or of one
   * whose packed data is damaged, fails and the live tables stay as they were.
   */
  @Test
  @Order(4)
  void damagedArchivesAreCorruptAndTheirRestoreChangesNothing() throws Exception {
    String headers = "2020-01-01_00-00-00-backup.7z";
    String data = "2020-01-01_00-00-01-backup.7z";
    Files.copy(archives.resolve(backupId), archives.resolve(headers),
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(archives.resolve(backupId), archives.resolve(data),
        StandardCopyOption.COPY_ATTRIBUTES);
    long size = Files.size(archives.resolve(headers));
    flip(archives.resolve(headers), size - 40, 16);
    flip(archives.resolve(data), size / 3, 64);
    InstanceCatalog catalog = temporal.restoreflow.catalog("m1", JOB_LIMIT).instances().get(0);
    assertEquals(List.of(headers, data, backupId), catalog.backups().stream()
        .map(CatalogBackup::id).toList(), "oldest first");
    assertEquals(CatalogBackup.CORRUPT, catalog.backups().get(0).status());
    assertEquals(CatalogBackup.OK, catalog.backups().get(2).status());
    assertEquals(List.of("acct_a.sql", "acct_b.sql"), catalog.backups().get(2).tables());

    shop("UPDATE acct_a SET note = 'live' WHERE id = 1");
    String a = contents("acct_a");
    String b = contents("acct_b");
    for (String damaged : List.of(headers, data)) {
      String message = restoreFails(RestoreRequest.of("m1").withBackupId(damaged),
          "BACKUP_NOT_VALID");
      assertTrue(message.contains("nothing was changed") || message.contains("damaged"), message);
      assertEquals(a, contents("acct_a"), "acct_a unchanged after " + damaged);
      assertEquals(b, contents("acct_b"), "acct_b unchanged after " + damaged);
    }
    Files.delete(archives.resolve(headers));
    Files.delete(archives.resolve(data));
  }

  /**
   * The host worker killed (SIGKILL) while mariadb-dump writes: a new worker ends the job; the
   * promised name holds nothing, or a whole, tested archive of both tables; no partial is left.
   */
  @Test
  @Order(5)
  void aWorkerKilledDuringTheDumpNeverLeavesAHalfArchiveUnderThePromisedName()
      throws Exception {
    String name = "2030-01-03_00-00-00-backup.7z";
    Files.writeString(dumpDelay, "0.002");
    Submission job = temporal.restoreflow.submitBackup(BackupRequest.of("m1").withName(name)
        .withTables(List.of("acct_a", "acct_b")));
    Path dumping = archives.resolve(".partial-" + name + ".d").resolve("acct_a.sql");
    waitUntil(() -> Files.exists(dumping) && size(dumping) > 0, Duration.ofSeconds(60),
        "mariadb-dump writes acct_a");
    worker.kill9();
    assertTrue(!Files.exists(archives.resolve(name)), "nothing under the promised name");
    Files.writeString(dumpDelay, "0");
    worker = startWorker();
    BackupResult result = awaitBackupEnd(job);
    assertTrue(result == null || result.state() == JobState.SUCCEEDED, String.valueOf(result));
    if (result != null) {
      String take = result.steps().stream().filter(s -> s.name().equals(Steps.TAKE_BACKUP))
          .findFirst().orElseThrow().detail();
      assertTrue(take.contains("cleared .partial-" + name + ".d left by an earlier attempt"),
          "the kill hit the dump: " + take);
      sevenZip("t", archives.resolve(name).toString());
      JsonNode written = JSON.readTree(sevenZip("e", "-so", archives.resolve(name).toString(),
          "manifest.json"));
      assertEquals(2, written.get("tables").size(), written.toString());
    } else {
      assertTrue(!Files.exists(archives.resolve(name)), "a failed job leaves no archive");
    }
    assertTrue(archiveFiles().stream().noneMatch(f -> f.startsWith(".partial-")),
        archiveFiles().toString());
  }

  /**
   * The host worker killed while a table loads into the scratch database: the live tables are
   * as they were until the job goes on; a new worker ends it, and a table reported restored is
   * whole (the manifest's rows and checksum).
   */
  @Test
  @Order(6)
  void aWorkerKilledDuringTheLoadNeverReportsAHalfLoadedTableAsRestored() throws Exception {
    shop("UPDATE acct_a SET balance = 1 WHERE id <= 5; DELETE FROM acct_b WHERE id <= 5");
    String a = contents("acct_a");
    String b = contents("acct_b");
    Files.writeString(loadDelay, "0.0005");
    Submission job = temporal.restoreflow.submit(RestoreRequest.of("m1").withBackupId(backupId)
        .withTables(List.of("acct_a", "acct_b")).withHost("local"));
    waitUntil(() -> scratchHas("acct_a"), Duration.ofSeconds(60),
        "the load into the scratch database begins");
    worker.kill9();
    assertEquals(a, contents("acct_a"), "live acct_a untouched by the load");
    assertEquals(b, contents("acct_b"), "live acct_b untouched by the load");
    Files.writeString(loadDelay, "0");
    worker = startWorker();
    RestoreResult result;
    try {
      result = temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
    } catch (WorkflowFailedException failed) {
      result = null;
    }
    if (result != null) {
      assertEquals(JobState.SUCCEEDED, result.state(), result.message());
      for (JsonNode table : manifest.get("tables")) {
        assertEquals(table.get("rows").asLong() + " " + table.get("checksum").asText(),
            contents(table.get("name").asText()), table.get("name").asText());
      }
    } else {
      String message = temporal.restoreflow.progress(job.jobId()).message();
      assertTrue(message.contains("were not changed") ? a.equals(contents("acct_a"))
          && b.equals(contents("acct_b")) : message.contains("WERE replaced"), message);
    }
    assertTrue(archiveFiles().stream().noneMatch(f -> f.startsWith(".partial-")),
        "the killed attempt's extracted files are gone: " + archiveFiles());
    assertEquals(List.of(), orphanedOptionFiles(), "the killed workers' option files are gone");
  }

  /** Retention sees every archive as a full and deletes what it does not keep. */
  @Test
  @Order(7)
  void retentionKeepsTheNewestArchiveAndDeletesTheOther() throws Exception {
    String newest = "2030-01-03_00-00-00-backup.7z";
    assertEquals(List.of(backupId, newest), archiveFiles());
    RetentionResult dryRun = temporal.restoreflow.awaitRetention(temporal.restoreflow
        .submitRetention(RetentionRequest.dryRun("m1").withCounts(1, 0, 0, 1)).jobId(),
        JOB_LIMIT);
    assertEquals(JobState.PLANNED, dryRun.state(), dryRun.message());
    assertTrue(dryRun.message().contains("would delete 1 of 2"), dryRun.message());
    assertEquals(List.of(backupId, newest), archiveFiles(), "a dry run deletes nothing");
    RetentionResult applied = temporal.restoreflow.awaitRetention(temporal.restoreflow
        .submitRetention(RetentionRequest.dryRun("m1").withCounts(1, 0, 0, 1).applying())
        .jobId(), JOB_LIMIT);
    assertEquals(JobState.SUCCEEDED, applied.state(), applied.message());
    assertEquals(List.of(newest), archiveFiles());
  }

  /** A table another table's foreign key uses is refused: the swap would not carry the key. */
  @Test
  @Order(8)
  void aTableAForeignKeyUsesIsRefusedAndNothingChanges() throws Exception {
    shop("CREATE TABLE child (id INT PRIMARY KEY, a_id INT, FOREIGN KEY (a_id) REFERENCES"
        + " acct_a (id)) ENGINE=InnoDB; INSERT INTO child VALUES (1, 1)");
    String a = contents("acct_a");
    String refused = restoreFails(RestoreRequest.of("m1").withTables(List.of("acct_a")),
        "NOT_SUPPORTED");
    assertTrue(refused.contains("child -> shop.acct_a"), refused);
    assertEquals(a, contents("acct_a"));
    shop("DROP TABLE child");
  }

  // ---- helpers

  /** The job's result when it succeeded; null when it failed. */
  private BackupResult awaitBackupEnd(Submission job) throws Exception {
    try {
      return temporal.restoreflow.awaitBackup(job.jobId(), JOB_LIMIT);
    } catch (WorkflowFailedException failed) {
      return null;
    }
  }

  /** Option-file directories of processes that are gone (the workers killed above). */
  private static List<String> orphanedOptionFiles() throws IOException {
    java.util.regex.Pattern form = java.util.regex.Pattern.compile(
        "restoreflow-mysql-([0-9]+)-[0-9]+");
    try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return dirs.map(d -> d.getFileName().toString()).filter(name -> {
        java.util.regex.Matcher m = form.matcher(name);
        return m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty();
      }).toList();
    }
  }

  private boolean scratchHas(String table) {
    try {
      return !mariadb.sql("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA"
          + " = '" + DB + "_restoreflow' AND TABLE_NAME = '" + table + "'").isBlank();
    } catch (Exception e) {
      return false;
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Moves money between acct_a and acct_b in transactions, over one connection. */
  private void moveMoney(AtomicBoolean stop, AtomicLong moved) {
    Random random = new Random(7);
    try {
      Process client = new ProcessBuilder(mariadb.client("--database=" + DB, "--unbuffered"))
          .redirectErrorStream(true).start();
      Thread committed = new Thread(() -> {
        try (java.io.BufferedReader out = client.inputReader()) {
          String line;
          while ((line = out.readLine()) != null) {
            if (line.equals("moved")) {
              moved.incrementAndGet();
            }
          }
        } catch (IOException ignored) {
          // the client ended
        }
      }, "mover-output");
      committed.setDaemon(true);
      committed.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      try (OutputStream in = client.getOutputStream()) {
        while (!stop.get() && System.nanoTime() < deadline) {
          int from = 1 + random.nextInt(ACCOUNTS);
          int to = 1 + random.nextInt(ACCOUNTS);
          int amount = 1 + random.nextInt(50);
          boolean aToB = random.nextBoolean();
          String debit = aToB ? "acct_a" : "acct_b";
          String credit = aToB ? "acct_b" : "acct_a";
          in.write(("START TRANSACTION; UPDATE " + debit + " SET balance = balance - " + amount
              + " WHERE id = " + from + "; UPDATE " + credit + " SET balance = balance + "
              + amount + " WHERE id = " + to + "; COMMIT; SELECT 'moved';\n")
              .getBytes(StandardCharsets.UTF_8));
          in.flush();
          Thread.sleep(2);
        }
      }
      client.waitFor(20, TimeUnit.SECONDS);
      committed.join(5000);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private long totalBalance() throws Exception {
    return Long.parseLong(shop("SELECT (SELECT SUM(balance) FROM acct_a) + (SELECT"
        + " SUM(balance) FROM acct_b)").strip());
  }

  /** Rows and the test's own content checksum, in the manifest's notation. */
  private String contents(String table) throws Exception {
    List<String> columns = shop("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE"
        + " TABLE_SCHEMA = '" + DB + "' AND TABLE_NAME = '" + table + "' ORDER BY"
        + " ORDINAL_POSITION").lines().toList();
    String row = "CONCAT_WS('|', " + String.join(", ", columns.stream()
        .map(c -> "QUOTE(`" + c + "`)").toList()) + ")";
    String[] r = shop("SELECT COUNT(*), COALESCE(SUM(CRC32(" + row + ")), 0),"
        + " COALESCE(BIT_XOR(CRC32(" + row + ")), 0) FROM " + table).strip().split("\t");
    return r[0] + " crc32:sum=" + r[1] + ",xor=" + r[2];
  }

  private String shop(String sql) throws Exception {
    return mariadb.sql("USE " + DB + "; " + sql);
  }

  private RestoreResult restore(RestoreRequest request) throws Exception {
    return temporal.restoreflow.await(temporal.restoreflow.submit(request.withHost("local"))
        .jobId(), JOB_LIMIT);
  }

  /** A backup refused as INVALID_REQUEST, by the resolver or at PlanBackup; its message. */
  private String backupRefused(List<String> tables) throws Exception {
    return backupRefused(BackupRequest.of("m1").withTables(tables), "INVALID_REQUEST");
  }

  private String backupRefused(BackupRequest request, String type) throws Exception {
    Submission job;
    try {
      job = temporal.restoreflow.submitBackup(request);
    } catch (RequestRejectedException e) {
      assertEquals(type, e.type().name(), e.getMessage());
      return e.getMessage();
    }
    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> temporal.restoreflow.awaitBackup(job.jobId(), JOB_LIMIT), request.toString());
    assertEquals(Optional.of(type), Failures.typeOf(failed), failed.toString());
    return temporal.restoreflow.progress(job.jobId()).message();
  }

  private String restoreFails(RestoreRequest request, String type) throws Exception {
    Submission job = temporal.restoreflow.submit(request.withHost("local"));
    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> temporal.restoreflow.await(job.jobId(), JOB_LIMIT));
    assertEquals(Optional.of(type), Failures.typeOf(failed), failed.toString());
    return temporal.restoreflow.progress(job.jobId()).message();
  }

  private List<String> archiveFiles() throws IOException {
    try (Stream<Path> files = Files.list(archives)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  private static void flip(Path file, long at, int bytes) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      for (int i = 0; i < bytes; i++) {
        f.seek(at + i);
        int b = f.read();
        f.seek(at + i);
        f.write(~b & 0xff);
      }
    }
  }

  private static String sevenZip(String... args) throws IOException, InterruptedException {
    List<String> argv = new java.util.ArrayList<>(List.of("7zz"));
    argv.addAll(List.of(args));
    Process process = new ProcessBuilder(argv).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("7zz " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, Duration limit,
      String what) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " within " + limit);
      }
      Thread.sleep(50);
    }
  }
}
