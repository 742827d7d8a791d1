package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Empties the configured data directory of a stopped cluster, and nothing else: any other path,
 * a pgdata that is itself a symbolic link, a running postmaster, or a directory that does not
 * look like PostgreSQL data is refused. The directory itself stays, with its owner and mode;
 * symbolic links inside (pg_wal, tablespaces) are removed as links, their targets are never
 * touched. What it reports removed is what find removed, and nothing may be left.
 */
public final class DataWiper {

  /** The longest the delete may take (the step's activity timeout is above it). */
  public static final Duration DELETE_LIMIT = Duration.ofHours(2);

  /** Top-level entries of a PostgreSQL data directory (also of a partly restored or wiped one). */
  private static final Set<String> PG_MARKERS = Set.of("PG_VERSION", "base", "global", "pg_wal",
      "pg_xact", "pg_multixact", "pg_tblspc", "pg_twophase", "pg_subtrans", "pg_stat",
      "pg_stat_tmp", "pg_replslot", "pg_logical", "pg_commit_ts", "pg_dynshmem", "pg_notify",
      "pg_serial", "pg_snapshots", "postgresql.conf", "postgresql.auto.conf", "pg_hba.conf",
      "pg_ident.conf", "postmaster.opts", "backup_label", "backup_manifest", "tablespace_map");

  /** find's %y: the kind of each entry it removed. */
  private static final Map<String, String> TYPES = Map.of("f", "files", "d", "directories",
      "l", "symbolic links");

  private final CommandRunner runner;
  private final InstanceConfig instance;
  private final ClusterControl cluster;

  public DataWiper(CommandRunner runner, InstanceConfig instance, ClusterControl cluster) {
    this.runner = runner;
    this.instance = instance;
    this.cluster = cluster;
  }

  /**
   * Wipes {@code requested}, which must be the instance's configured data directory.
   *
   * @param beforeDeleting runs once every check has passed, before anything is deleted
   */
  public String wipe(String requested, Runnable beforeDeleting) {
    Path configured = Path.of(instance.pgdata()).normalize();
    Path asked = Path.of(requested).normalize();
    if (!asked.isAbsolute() || !asked.equals(configured)) {
      throw new WipeRefusedException("refusing to wipe " + requested
          + ": the only directory WipeData may empty is the instance's configured pgdata "
          + configured);
    }
    if (configured.getNameCount() < 2) {
      throw new WipeRefusedException("refusing to wipe " + configured
          + ": a data directory must be at least two levels below /");
    }
    refuseUnlessARealDirectory(configured);
    ClusterState state = cluster.state();
    if (state == ClusterState.RUNNING) {
      throw new WipeRefusedException("refusing to wipe " + configured
          + ": a postmaster is running on it; stop the cluster first");
    }
    List<String> entries = list(configured);
    if (entries.isEmpty()) {
      beforeDeleting.run();
      return "already empty";
    }
    if (entries.stream().noneMatch(PG_MARKERS::contains)) {
      throw new WipeRefusedException("refusing to wipe " + configured
          + ": it does not look like a PostgreSQL data directory (none of PG_VERSION, base,"
          + " global, pg_wal, ...); check the instance's pgdata in the config");
    }
    beforeDeleting.run();
    return "removed " + empty(configured) + " from " + configured;
  }

  /**
   * find does not descend into a starting point that is a symbolic link: it would delete
   * nothing and succeed. Links among the parents are resolved as usual, and are fine.
   */
  private void refuseUnlessARealDirectory(Path dir) {
    String out = runner.runChecked(Command.of(ClusterCommands.describePath(dir.toString()),
        instance.osUser(), Duration.ofSeconds(30))).stdout();
    String[] typeAndTarget = out.strip().split("\t", 2);
    if (typeAndTarget[0].equals("l")) {
      String target = typeAndTarget.length > 1 ? typeAndTarget[1] : "?";
      throw new WipeRefusedException("refusing to wipe " + dir + ": it is a symbolic link to "
          + target + ", and WipeData empties only a real directory; set the instance's pgdata to"
          + " the data directory itself (" + target + ", resolved) in the config");
    }
    if (!typeAndTarget[0].equals("d")) {
      throw new WipeRefusedException("refusing to wipe " + dir + ": it is not a directory");
    }
  }

  /** Deletes everything below {@code dir}; returns what was removed, counted by find. */
  private String empty(Path dir) {
    Map<String, Long> removed = new ConcurrentHashMap<>();
    Command delete = Command.of(ClusterCommands.emptyDirectory(dir.toString()), instance.osUser(),
        DELETE_LIMIT);
    CommandResult result = runner.run(delete, (stream, line) -> {
      if (stream == OutputListener.Stream.STDOUT) {
        removed.merge(TYPES.getOrDefault(line.strip(), "other entries"), 1L, Long::sum);
      }
    }, () -> false);
    List<String> left = list(dir);
    if (!left.isEmpty()) {
      throw new WipeIncompleteException("WipeData could not empty " + dir + ": " + left.size()
          + " entries are left (" + String.join(", ", left.subList(0, Math.min(5, left.size())))
          + (left.size() > 5 ? ", ..." : "") + ") after find exited " + result.exitCode()
          + (result.stderrTail().isBlank() ? "" : ": " + result.stderrTail().strip())
          + "; the data directory is partly wiped: make everything in it removable by "
          + instance.osUser() + ", then run a full restore");
    }
    if (!result.succeeded()) {
      throw new CommandFailedException(delete, result);
    }
    long total = removed.values().stream().mapToLong(Long::longValue).sum();
    String kinds = new TreeMap<>(removed).entrySet().stream()
        .map(kind -> kind.getValue() + " " + kind.getKey()).collect(Collectors.joining(", "));
    return total + " entries" + (total > 0 ? " (" + kinds + ")" : "");
  }

  private List<String> list(Path dir) {
    String out = runner.runChecked(Command.of(ClusterCommands.listDirectory(dir.toString()),
        instance.osUser(), Duration.ofSeconds(30))).stdout();
    return Arrays.stream(out.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
