package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.workflows.model.RestoreInto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster of a clone or drill on its scratch target: its directory made before the restore,
 * the settings that keep it apart from the instance before it starts, and its removal. The
 * instance given is the scratch's ({@link ScratchTargets#scratchInstance}), checked by the host
 * step that opened it.
 */
public final class ScratchCluster {

  /** The first line of the settings block; its presence says the block is there. */
  static final String MARKER = "# restoreflow scratch target:";
  private static final Duration QUICK = Duration.ofSeconds(30);

  private final CommandRunner runner;
  private final InstanceConfig scratch;
  private final RestoreInto into;

  public ScratchCluster(CommandRunner runner, InstanceConfig scratch, RestoreInto into) {
    this.runner = runner;
    this.scratch = scratch;
    this.into = into;
  }

  /**
   * Creates the scratch directory (0700, owned by the instance's OS user, which owns the scratch
   * root) when it is missing; returns what it did, or null when it exists (WipeData then empties
   * it as any data directory).
   */
  public String createIfMissing() {
    CommandResult kind = runner.run(Command.of(ClusterCommands.describePath(into.directory()),
        scratch.osUser(), QUICK));
    if (kind.succeeded() && !kind.stdout().isBlank()) {
      return null;
    }
    runner.runChecked(Command.of(List.of("mkdir", "-m", "0700", "--", into.directory()),
        scratch.osUser(), QUICK));
    return "created " + into.directory() + " (0700, owned by " + scratch.osUser() + ")";
  }

  /**
   * The block of settings a scratch cluster always starts with, at the end of its
   * postgresql.auto.conf (read last, so it wins): its own port on 127.0.0.1 and its own socket
   * directory, no archiving (never into the source's archive or repository), no upstream to
   * replicate from and no synchronous standby to wait for.
   */
  static String settings(InstanceConfig scratch, String instanceName) {
    return "\n" + MARKER + " a clone or drill of " + instanceName + "; it never uses the"
        + " instance's port, socket, archive or upstream\n"
        + "port = " + scratch.port() + "\n"
        + "listen_addresses = '127.0.0.1'\n"
        + "unix_socket_directories = '" + scratch.pgdata() + "'\n"
        + "archive_mode = 'off'\n"
        + "archive_command = ''\n"
        + "primary_conninfo = ''\n"
        + "primary_slot_name = ''\n"
        + "synchronous_standby_names = ''\n";
  }

  /**
   * Writes the settings block before the scratch cluster starts (once: a restore writes a fresh
   * postgresql.auto.conf, a restart finds the block there).
   *
   * @throws ClusterStartFailedException when the restored directory has no postgresql.conf (an
   *     instance whose configuration lives elsewhere, e.g. Debian's /etc/postgresql)
   */
  public String applySettings(String instanceName) {
    String dir = scratch.pgdata();
    if (!runner.run(Command.of(List.of("test", "-f", dir + "/postgresql.conf"), scratch.osUser(),
        QUICK)).succeeded()) {
      throw new ClusterStartFailedException("not starting the scratch cluster in " + dir
          + ": it has no postgresql.conf (instance " + instanceName + " keeps its configuration"
          + " outside its data directory, which a scratch target does not copy); clone or drill"
          + " an instance whose configuration is in its data directory");
    }
    String autoConf = dir + "/postgresql.auto.conf";
    CommandResult has = runner.run(Command.of(List.of("grep", "-q", "-F", "--", MARKER, autoConf),
        scratch.osUser(), QUICK));
    if (has.exitCode() == 0) {
      return "scratch settings already in place";
    }
    runner.runChecked(Command.of(List.of("tee", "-a", "--", autoConf), scratch.osUser(), QUICK)
        .withStdin(settings(scratch, instanceName)));
    return "scratch settings written (port " + scratch.port() + " on 127.0.0.1, no archiving,"
        + " no upstream)";
  }

  /**
   * Stops the scratch cluster immediately and deletes what the target named: its directory, its
   * server log, its tablespaces and its unfinished-restore mark. Nothing when they are gone.
   */
  public String remove(ClusterControl cluster) {
    List<String> done = new ArrayList<>();
    ClusterState state = cluster.state();
    if (state == ClusterState.RUNNING) {
      cluster.stop(true);
      done.add("stopped the scratch cluster (immediate)");
    }
    UnfinishedRestore.clear(runner, scratch);
    List<String> removed = new ArrayList<>();
    for (String path : ScratchTargets.leftovers(into)) {
      if (path.endsWith(UnfinishedRestore.SUFFIX)) {
        continue;
      }
      CommandResult exists = runner.run(Command.of(ClusterCommands.describePath(path),
          scratch.osUser(), QUICK));
      if (!exists.succeeded() || exists.stdout().isBlank()) {
        continue;
      }
      // rm does not follow links: a link in the way is removed, never what it points to
      runner.runChecked(Command.of(List.of("rm", "-rf", "--one-file-system", "--", path),
          scratch.osUser(), DataWiper.DELETE_LIMIT));
      removed.add(path);
    }
    done.add(removed.isEmpty() ? "nothing left to delete" : "deleted " + String.join(", ",
        removed));
    return String.join("; ", done);
  }
}
