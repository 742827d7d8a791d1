package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Empties the configured data directory of a stopped cluster, and nothing else: any other path,
 * a running postmaster, or a directory that does not look like PostgreSQL data is refused. The
 * directory itself stays, with its owner and mode; symbolic links inside (pg_wal, tablespaces)
 * are removed as links, their targets are never touched.
 */
public final class DataWiper {

  /** Top-level entries of a PostgreSQL data directory (also of a partly restored or wiped one). */
  private static final Set<String> PG_MARKERS = Set.of("PG_VERSION", "base", "global", "pg_wal",
      "pg_xact", "pg_multixact", "pg_tblspc", "pg_twophase", "pg_subtrans", "pg_stat",
      "pg_stat_tmp", "pg_replslot", "pg_logical", "pg_commit_ts", "pg_dynshmem", "pg_notify",
      "pg_serial", "pg_snapshots", "postgresql.conf", "postgresql.auto.conf", "pg_hba.conf",
      "pg_ident.conf", "postmaster.opts", "backup_label", "backup_manifest", "tablespace_map");

  private final CommandRunner runner;
  private final InstanceConfig instance;
  private final ClusterControl cluster;

  public DataWiper(CommandRunner runner, InstanceConfig instance, ClusterControl cluster) {
    this.runner = runner;
    this.instance = instance;
    this.cluster = cluster;
  }

  /** Wipes {@code requested}, which must be the instance's configured data directory. */
  public String wipe(String requested) {
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
    ClusterState state = cluster.state();
    if (state == ClusterState.RUNNING) {
      throw new WipeRefusedException("refusing to wipe " + configured
          + ": a postmaster is running on it; stop the cluster first");
    }
    List<String> entries = list(configured);
    if (entries.isEmpty()) {
      return "already empty";
    }
    if (entries.stream().noneMatch(PG_MARKERS::contains)) {
      throw new WipeRefusedException("refusing to wipe " + configured
          + ": it does not look like a PostgreSQL data directory (none of PG_VERSION, base,"
          + " global, pg_wal, ...); check the instance's pgdata in the config");
    }
    runner.runChecked(Command.of(ClusterCommands.emptyDirectory(configured.toString()),
        instance.osUser(), Duration.ofHours(2)));
    return "removed " + entries.size() + " entries from " + configured;
  }

  private List<String> list(Path dir) {
    String out = runner.runChecked(Command.of(ClusterCommands.listDirectory(dir.toString()),
        instance.osUser(), Duration.ofSeconds(30))).stdout();
    return Arrays.stream(out.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
