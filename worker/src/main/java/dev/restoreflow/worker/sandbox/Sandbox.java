package dev.restoreflow.worker.sandbox;

import dev.restoreflow.activities.cluster.ClusterControl;
import dev.restoreflow.activities.cluster.UnfinishedRestore;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.probackup.BackupInfo;
import dev.restoreflow.activities.probackup.ProbackupCommands;
import dev.restoreflow.activities.probackup.ProbackupConfig;
import dev.restoreflow.activities.probackup.ProbackupEngine;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL cluster with a pg_probackup catalog under one state directory: what
 * {@code restoreflow dev}, {@code demo} and the integration tests restore. The catalog is driven
 * by the bundled pg_probackup simulator unless a real pg_probackup is given.
 *
 * <pre>
 * STATE/pg/NAME        the data directory (owned by the sandbox OS user, mode 0700)
 * STATE/backups        the pg_probackup catalog (-B)
 * STATE/bin/pg_probackup   the simulator (or a link to the real binary)
 * STATE/run            the socket directory
 * </pre>
 */
public final class Sandbox {

  public static final String SIMULATOR_RESOURCE = "/dev/restoreflow/sim/pg_probackup";
  private static final Logger log = LoggerFactory.getLogger(Sandbox.class);
  private static final Pattern BACKUP_ID = Pattern.compile("backup ID: ([0-9A-Z]{6})");

  private final Path stateDir;
  private final String name;
  private final String host;
  private final InstanceConfig instance;
  private final CommandRunner runner;
  private final ClusterControl cluster;

  private Sandbox(Path stateDir, String name, String host, InstanceConfig instance,
      CommandRunner runner) {
    this.stateDir = stateDir;
    this.name = name;
    this.host = host;
    this.instance = instance;
    this.runner = runner;
    this.cluster = new ClusterControl(runner, instance);
  }

  /**
   * Opens the sandbox cluster {@code name} under {@code stateDir}: creates it (initdb, settings,
   * catalog) when it is not there, and starts it. The port is kept from an earlier run.
   */
  public static Sandbox open(Path stateDir, String name, String host, String pgBin,
      CommandRunner runner) {
    Sandbox sandbox = openWithoutStarting(stateDir, name, host, pgBin, runner);
    sandbox.start();
    return sandbox;
  }

  /**
   * Opens the sandbox cluster {@code name} under {@code stateDir} as it is: only a sandbox whose
   * data directory does not exist yet is created (initdb, settings, catalog; the new cluster
   * runs). A data directory an earlier run left is never initialised again, nor started here: a
   * restore may have left it half-written.
   */
  public static Sandbox openWithoutStarting(Path stateDir, String name, String host, String pgBin,
      CommandRunner runner) {
    try {
      String user = SandboxUser.ensure(runner);
      Path root = stateDir.toAbsolutePath().normalize();
      Files.createDirectories(root);
      openUp(root);
      Path pgdata = root.resolve("pg").resolve(name);
      Path portFile = root.resolve("pg").resolve(name + ".port");
      int port = Files.exists(portFile) ? Integer.parseInt(Files.readString(portFile).strip())
          : freePort();
      Path simulator = installSimulator(root);
      InstanceConfig instance = new InstanceConfig(ProbackupEngine.NAME, host, pgdata.toString(),
          null, null,
          port, user, pgBin, root.resolve("pg").resolve(name + "-server.log").toString(),
          "127.0.0.1", "postgres", user,
          List.of("select 1", "select count(*) from pg_class"), false, true, 60, 120,
          new ProbackupConfig(simulator.toString(), root.resolve("backups").toString(), name, 1),
          null);
      Sandbox sandbox = new Sandbox(root, name, host, instance, runner);
      if (!Files.exists(pgdata)) {
        sandbox.initCluster(portFile);
        sandbox.start();
        sandbox.initCatalog();
      }
      return sandbox;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up the sandbox in " + stateDir, e);
    }
  }

  /** Starts the cluster (nothing to do when it runs). */
  public void start() {
    cluster.start(() -> false);
  }

  /** The text of the marker a restore that has not finished left beside the data directory. */
  public Optional<String> unfinishedRestore() {
    return UnfinishedRestore.find(runner, instance);
  }

  /** Whether the data directory holds a cluster: after WipeData, or early in a restore, it does not. */
  public boolean hasCluster() {
    return Files.exists(Path.of(instance.pgdata()).resolve("PG_VERSION"));
  }

  private void initCluster(Path portFile) throws IOException {
    Path pgdata = Path.of(instance.pgdata());
    Path owned = stateDir.resolve("pg");
    for (Path dir : List.of(owned, stateDir.resolve("run"), stateDir.resolve("backups"))) {
      Files.createDirectories(dir);
      chown(dir);
    }
    runAsOwner(List.of(instance.pgTool("initdb"), "-D", pgdata.toString(), "-A", "trust",
        "-E", "UTF8", "-k", "--no-instructions"), Duration.ofMinutes(3));
    String settings = "\n# restoreflow sandbox\nport = " + instance.port() + "\n"
        + "listen_addresses = '127.0.0.1'\n"
        + "unix_socket_directories = '" + stateDir.resolve("run") + "'\n"
        + "wal_level = replica\nmax_wal_senders = 4\n"
        + "archive_mode = on\narchive_command = '/bin/true'\n"
        + "shared_buffers = 32MB\nfsync = on\n";
    Files.writeString(pgdata.resolve("postgresql.conf"), settings, StandardOpenOption.APPEND);
    Files.writeString(portFile, String.valueOf(instance.port()));
  }

  private void initCatalog() {
    runAsOwner(ProbackupCommands.init(instance.settings(ProbackupConfig.class)),
        Duration.ofMinutes(1));
    runAsOwner(ProbackupCommands.addInstance(instance), Duration.ofMinutes(1));
  }

  /** Takes a STREAM backup; returns its id. */
  public String backup(String mode) {
    AtomicReference<String> id = new AtomicReference<>();
    Command command = Command.of(ProbackupCommands.backup(instance, mode), instance.osUser(),
        Duration.ofMinutes(30));
    CommandResult result = runner.run(command, (stream, line) -> {
      Matcher m = BACKUP_ID.matcher(line);
      if (m.find()) {
        id.compareAndSet(null, m.group(1));
      }
    }, () -> false);
    if (!result.succeeded()) {
      throw new CommandFailedException(command, result);
    }
    if (id.get() == null) {
      throw new IllegalStateException("pg_probackup backup printed no backup id: "
          + result.stderrTail());
    }
    log.info("sandbox {}: {} backup {}", name, mode, id.get());
    return id.get();
  }

  /** The catalog's backups, newest first. */
  public List<BackupInfo> backups() {
    CommandResult show = runAsOwner(ProbackupCommands.show(instance), Duration.ofMinutes(1));
    return ProbackupCommands.parseShow(show.stdout(), instance.settings(ProbackupConfig.class)
        .instance());
  }

  /** Runs SQL (several statements are fine) and returns the output of the last. */
  public String sql(String statements) {
    return cluster.queryValue(statements);
  }

  public Map<String, String> fingerprint() {
    return DataFingerprint.of(cluster);
  }

  /** Demo data: a few tables with enough rows to be more than a toy. */
  public void loadDemoData(int accounts) {
    sql("create table if not exists accounts (id int primary key, owner text not null,"
        + " balance numeric(12,2) not null);"
        + "create table if not exists transfers (id bigserial primary key, from_id int, to_id int,"
        + " amount numeric(12,2), at timestamptz default now());"
        + "insert into accounts select g, 'owner ' || g, (g * 7919 % 100000) / 100.0"
        + " from generate_series(1, " + accounts + ") g on conflict do nothing;"
        + "insert into transfers (from_id, to_id, amount) select g, g % " + accounts + " + 1,"
        + " (g % 500) / 10.0 from generate_series(1, " + accounts + ") g;"
        + "checkpoint");
  }

  public void stopCluster() {
    cluster.stop(true);
  }

  public ClusterControl cluster() {
    return cluster;
  }

  public InstanceConfig instance() {
    return instance;
  }

  public String name() {
    return name;
  }

  public Path stateDir() {
    return stateDir;
  }

  /** The job ledger of the sandbox's config. */
  public Path ledgerFile() {
    return stateDir.resolve("ledger.db");
  }

  /** A config with this sandbox's instance on {@code host}, for the given Temporal server. */
  public RestoreflowConfig config(String temporalTarget) {
    return new RestoreflowConfig(new TemporalConfig(temporalTarget, "default"),
        ledgerFile().toString(), stateDir.resolve("Logs").toString(),
        Map.of(host, new HostConfig(HostConfig.LOCAL)), Map.of(name, instance), null);
  }

  private CommandResult runAsOwner(List<String> argv, Duration timeout) {
    return runner.runChecked(Command.of(argv, instance.osUser(), timeout));
  }

  private void chown(Path dir) {
    runner.runChecked(Command.of(List.of("chown", instance.osUser(), dir.toString()), null,
        Duration.ofSeconds(10)));
  }

  /** The cluster's OS user must be able to reach everything under the state directory. */
  private static void openUp(Path root) throws IOException {
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Path installSimulator(Path root) throws IOException {
    Path bin = root.resolve("bin");
    Files.createDirectories(bin);
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path target = bin.resolve("pg_probackup");
    try (InputStream in = Sandbox.class.getResourceAsStream(SIMULATOR_RESOURCE)) {
      if (in == null) {
        throw new IOException("the pg_probackup simulator is missing from the jar");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    return target;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public String toString() {
    return Map.of("instance", name, "pgdata", instance.pgdata(), "port", instance.port())
        .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }
}
