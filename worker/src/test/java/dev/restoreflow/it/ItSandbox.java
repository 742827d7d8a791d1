package dev.restoreflow.it;

import dev.restoreflow.activities.cluster.ClusterCommands;
import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.cluster.UnfinishedRestore;
import dev.restoreflow.activities.cluster.UnfinishedRestoreException;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.OsUser;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.activities.probackup.ProbackupConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.worker.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real PostgreSQL cluster for an integration test (initdb as an unprivileged OS user), with a
 * pg_probackup catalog driven by the simulator through a wrapper that records every argv and
 * can slow restores down (so a test can kill or cancel one mid-way). Backups can be slowed down
 * too: the simulator runs a pg_basebackup that keeps to the test's rate limit.
 */
final class ItSandbox implements AutoCloseable {

  static final String PG_BIN = "/usr/lib/postgresql/15/bin";
  private static final Path ROOT = OsUser.isRoot()
      ? Path.of("/var/tmp/restoreflow-it") : Path.of(System.getProperty("java.io.tmpdir"),
          "restoreflow-it");

  final Sandbox sandbox;
  final InstanceConfig instance;
  final String host;
  private final Path stateDir;
  private final Path argvLog;
  private final Path throttle;
  private final Path backupRate;

  private ItSandbox(Sandbox sandbox, InstanceConfig instance, String host, Path stateDir,
      Path argvLog, Path throttle, Path backupRate) {
    this.sandbox = sandbox;
    this.instance = instance;
    this.host = host;
    this.stateDir = stateDir;
    this.argvLog = argvLog;
    this.throttle = throttle;
    this.backupRate = backupRate;
  }

  /** Where the integration tests keep their clusters and other files. */
  static Path root() {
    return ROOT;
  }

  static ItSandbox create(String name, String host) throws IOException {
    Files.createDirectories(ROOT);
    Files.setPosixFilePermissions(ROOT, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path state = ROOT.resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    Sandbox sandbox = Sandbox.open(state, name, host, PG_BIN,
        new LocalCommandRunner(Redactor.NONE));
    Path bin = state.resolve("bin");
    Path argvLog = writable(bin.resolve("argv.log"), "");
    Path throttle = writable(bin.resolve("throttle-ms"), "0");
    Path backupRate = writable(bin.resolve("backup-rate-kb"), "0");
    Path pgBin = throttledPgBin(bin.resolve("pg"), backupRate);
    Path wrapper = bin.resolve("pg_probackup-recording");
    Files.writeString(wrapper, """
        #!/usr/bin/env bash
        # test wrapper: records the argv, applies the test's throttles, runs the simulator
        printf '%%s\\n' "$*" >> '%s'
        export PG_PROBACKUP_SIM_THROTTLE_MS="$(cat '%s' 2>/dev/null || echo 0)"
        export PG_PROBACKUP_SIM_PG_BINDIR='%s'
        exec '%s' "$@"
        """.formatted(argvLog, throttle, pgBin, bin.resolve("pg_probackup")));
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    InstanceConfig base = sandbox.instance();
    ProbackupConfig p = base.settings(ProbackupConfig.class);
    InstanceConfig instance = base.withSettings(
        new ProbackupConfig(wrapper.toString(), p.catalog(), p.instance(), p.threads()));
    return new ItSandbox(sandbox, instance, host, state, argvLog, throttle, backupRate);
  }

  /**
   * The PostgreSQL programs (links to {@link #PG_BIN}) with a pg_basebackup that adds
   * {@code --max-rate} when the rate file holds more than 0 (kB/s).
   */
  private static Path throttledPgBin(Path dir, Path rateFile) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Stream<Path> programs = Files.list(Path.of(PG_BIN))) {
      for (Path program : programs.toList()) {
        if (!program.getFileName().toString().equals("pg_basebackup")) {
          Files.createSymbolicLink(dir.resolve(program.getFileName()), program);
        }
      }
    }
    Path slow = dir.resolve("pg_basebackup");
    Path real = Path.of(PG_BIN, "pg_basebackup");
    Files.writeString(slow, """
        #!/usr/bin/env bash
        # test wrapper: pg_basebackup at the test's rate limit (kB/s; 0 = none)
        rate="$(cat '%s' 2>/dev/null || echo 0)"
        if [ "${rate:-0}" -gt 0 ]; then
          exec '%s' --max-rate="${rate}k" "$@"
        fi
        exec '%s' "$@"
        """.formatted(rateFile, real, real));
    Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private static Path writable(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    return file;
  }

  /** A config with these sandboxes, each on its own host, for the given Temporal server. */
  static RestoreflowConfig config(String temporalTarget, Path ledger, ItSandbox... sandboxes) {
    Map<String, HostConfig> hosts = new LinkedHashMap<>();
    Map<String, InstanceConfig> instances = new LinkedHashMap<>();
    for (ItSandbox s : sandboxes) {
      hosts.put(s.host, new HostConfig(HostConfig.LOCAL));
      instances.put(s.sandbox.name(), s.instance);
    }
    return new RestoreflowConfig(new TemporalConfig(temporalTarget, "default"), ledger.toString(),
        ledger.getParent().resolve("Logs").toString(), hosts, instances, null);
  }

  /** Each restore sleeps this long after every file it writes. */
  void throttleRestores(int millisPerFile) throws IOException {
    Files.writeString(throttle, String.valueOf(millisPerFile));
  }

  /** Throttles restores (ms a file) so that one of this data directory takes about {@code total}. */
  void throttleRestoresToTake(Duration total) throws IOException {
    long files;
    try (Stream<Path> walk = Files.walk(Path.of(instance.pgdata()))) {
      files = walk.filter(Files::isRegularFile).count();
    }
    throttleRestores((int) (total.toMillis() / Math.max(1, files)));
  }

  /** The simulator's pg_basebackup copies at most this fast; 0 = no limit. */
  void throttleBackups(int kilobytesPerSecond) throws IOException {
    Files.writeString(backupRate, String.valueOf(kilobytesPerSecond));
  }

  List<String> recordedInvocations() throws IOException {
    return Files.readAllLines(argvLog);
  }

  /**
   * Runs {@code sql} with psql in {@code database} of the cluster, as its OS user; its output.
   *
   * @throws IllegalStateException when psql fails or outlives a minute
   */
  String psql(String database, String sql) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("runuser", "-u", instance.osUser(), "--",
        instance.pgTool("psql"), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h",
        instance.connectHost(), "-p", String.valueOf(instance.port()), "-d", database, "-c", sql)
        .directory(Path.of("/").toFile()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("psql did not end within a minute: " + sql);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(sql + ": " + out);
    }
    return out;
  }

  Path stateDir() {
    return stateDir;
  }

  /** For WipeData calls that must be refused before they mark the directory as being restored. */
  static void neverMarked() {
    throw new AssertionError("WipeData marked the data directory although it refused to wipe it");
  }

  /** The text of the unfinished-restore marker beside the data directory, if it is there. */
  java.util.Optional<String> unfinishedRestoreMarker() throws IOException {
    Path marker = Path.of(UnfinishedRestore.path(instance));
    return Files.exists(marker, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        ? java.util.Optional.of(Files.readString(marker)) : java.util.Optional.empty();
  }

  /**
   * After a kill inside a restore step: the marker names the job, and restoreflow does not start
   * PostgreSQL on the directory.
   */
  void assertStartRefusedWhileUnfinished(String jobId) throws IOException {
    String marker = unfinishedRestoreMarker().orElseThrow(
        () -> new AssertionError("no unfinished-restore marker after a kill in the restore step"));
    org.junit.jupiter.api.Assertions.assertTrue(marker.contains("job: " + jobId), marker);
    UnfinishedRestoreException refused = org.junit.jupiter.api.Assertions.assertThrows(
        UnfinishedRestoreException.class, () -> sandbox.cluster().start(() -> false));
    org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("run a full restore"),
        refused.getMessage());
    org.junit.jupiter.api.Assertions.assertNotEquals(ClusterState.RUNNING, sandbox.cluster()
        .state());
  }

  /** {@code pg_ctl start} as the cluster's owner, by hand: none of restoreflow's checks. */
  CommandResult startByHand() {
    return new LocalCommandRunner(Redactor.NONE).run(Command.of(ClusterCommands.start(instance),
        instance.osUser(), java.time.Duration.ofSeconds(90)));
  }

  @Override
  public void close() throws IOException {
    try {
      sandbox.stopCluster();
    } catch (RuntimeException ignored) {
      // already stopped
    }
    try (Stream<Path> walk = Files.walk(stateDir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
