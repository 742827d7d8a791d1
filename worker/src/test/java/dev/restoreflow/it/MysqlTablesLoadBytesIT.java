package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.mysqltables.MysqlTablesActivities;
import dev.restoreflow.activities.mysqltables.MysqlTablesConfig;
import dev.restoreflow.activities.mysqltables.MysqlTablesEngine;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A restore of MySQL tables followed in bytes (issue 19): MysqlTablesRestore's heartbeat carries
 * the bytes of the tables' dump files mysql has read ({@code bytesDone}) of all of them
 * ({@code bytesTotal}) — read here from the pending activity as the CLI reads it, rising while
 * the tables load. The load is made slow by a wrapper around mariadb that passes its input on
 * in small pieces with a pause.
 */
class MysqlTablesLoadBytesIT {

  private static final String DB = "shop";
  private static final String PASSWORD_ENV = "RF_IT_MYSQL_PASSWORD";
  private static final String PASSWORD = "load-bytes-it";
  private static final int ROWS = 40_000;
  private static final Duration JOB_LIMIT = Duration.ofMinutes(2);

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aTableRestoresHeartbeatSaysTheDumpBytesLoadedOfAll() throws Exception {
    Files.createDirectories(ItSandbox.root());
    Path state = Files.createTempDirectory(ItSandbox.root(), "mysqlbytes-");
    try (MariaDbServer mariadb = MariaDbServer.start()) {
      Path archives = Files.createDirectories(state.resolve("archives"));
      mariadb.sql("CREATE DATABASE " + DB + "; CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '"
          + PASSWORD + "'; GRANT ALL ON *.* TO 'backup'@'127.0.0.1'");
      mariadb.sql("USE " + DB + ";"
          + "CREATE TABLE t1 (id INT PRIMARY KEY, note VARCHAR(80));"
          + "CREATE TABLE t2 (id INT PRIMARY KEY, note VARCHAR(80));"
          + "INSERT INTO t1 SELECT seq, CONCAT('first ', seq, ' ', REPEAT('x', 30))"
          + " FROM seq_1_to_" + ROWS + ";"
          + "INSERT INTO t2 SELECT seq, CONCAT('second ', seq, ' ', REPEAT('y', 30))"
          + " FROM seq_1_to_" + ROWS);
      Path loadDelay = Files.writeString(Files.createDirectories(state.resolve("bin"))
          .resolve("load-delay"), "0");
      Path bin = slowLoads(state.resolve("bin"), loadDelay);
      InstanceConfig instance = CheckedSettings.checked("m1", new InstanceConfig(
          MysqlTablesEngine.NAME, "local", null, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null, new MysqlTablesConfig(archives.toString(), null,
              mariadb.port(), null, DB, "backup", PASSWORD_ENV, bin.toString(), null, 1)));
      ItServer server = ItTemporal.startServer();
      RestoreflowConfig config = new RestoreflowConfig(new TemporalConfig(server.target(),
          "default"), state.resolve("ledger.db").toString(), state.resolve("Logs").toString(),
          Map.of("local", new HostConfig(HostConfig.LOCAL)), Map.of("m1", instance), null);
      Path configFile = RestoreflowProcess.writeConfig(config, state.resolve("config.json"));
      try (ItTemporal temporal = ItTemporal.start(server, config, List.of());
          RestoreflowProcess worker = RestoreflowProcess.worker(configFile, "local",
              state.resolve("worker.log"), Map.of(PASSWORD_ENV, PASSWORD))) {
        BackupResult backup = temporal.restoreflow.awaitBackup(temporal.restoreflow.submitBackup(
            BackupRequest.of("m1").withTables(List.of("t1", "t2"))).jobId(), JOB_LIMIT);
        assertEquals(JobState.SUCCEEDED, backup.state(), backup.message());
        String taken = backup.steps().stream().filter(s -> s.name().equals(Steps.TAKE_BACKUP))
            .findFirst().orElseThrow().detail();
        assertTrue(taken.matches("archive \\S+: \\d+\\.\\d (KiB|MiB) \\([\\d,]+ bytes\\), .*"),
            taken);

        Files.writeString(loadDelay, "0.02");
        Submission job = temporal.restoreflow.submit(RestoreRequest.of("m1")
            .withBackupId(backup.backupId()).withTables(List.of("t1", "t2")).withHost("local"));
        List<long[]> seen = temporal.heartbeatBytesUntilEnd(job, MysqlTablesActivities.RESTORE_STEP, JOB_LIMIT,
            Duration.ofMillis(300));
        RestoreResult result = temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
        assertEquals(JobState.SUCCEEDED, result.state(), result.message());

        String figures = seen.stream().map(b -> b[0] + "/" + b[1]).toList().toString();
        List<long[]> known = seen.stream().filter(b -> b[1] > 0).toList();
        assertTrue(known.size() >= 3, "bytes of a known total, seen moving while the tables"
            + " loaded: " + figures);
        long total = known.get(0)[1];
        assertTrue(total > ROWS * 2L * 30, "the two tables' dump files: " + figures);
        for (int i = 0; i < known.size(); i++) {
          assertEquals(total, known.get(i)[1], "one total for the whole load: " + figures);
          assertTrue(known.get(i)[0] <= total, figures);
          assertTrue(i == 0 || known.get(i)[0] > known.get(i - 1)[0], "bytes only go up: "
              + figures);
        }
        assertTrue(known.get(known.size() - 1)[0] > known.get(0)[0], figures);
      }
    } finally {
      try (Stream<Path> walk = Files.walk(state)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * mariadb-dump itself, and mariadb whose loads into the scratch database get their input in
   * 4 KiB pieces with the test's pause between them.
   */
  private static Path slowLoads(Path bin, Path loadDelay) throws Exception {
    Path dump = bin.resolve("mariadb-dump");
    Files.writeString(dump, "#!/usr/bin/env bash\nexec /usr/bin/mariadb-dump \"$@\"\n");
    Path client = bin.resolve("mariadb");
    Files.writeString(client, """
        #!/usr/bin/env bash
        delay="$(cat '%s' 2>/dev/null || echo 0)"
        case " $* " in *_restoreflow\\ *) loading=1 ;; esac
        { [ "$delay" = "0" ] || [ -z "$loading" ]; } && exec /usr/bin/mariadb "$@"
        set -o pipefail
        export LC_ALL=C
        while IFS= read -r -N 4096 piece || [ -n "$piece" ]; do
          printf '%%s' "$piece"; sleep "$delay"; done | /usr/bin/mariadb "$@"
        """.formatted(loadDelay));
    for (Path tool : List.of(dump, client)) {
      Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return bin;
  }
}
