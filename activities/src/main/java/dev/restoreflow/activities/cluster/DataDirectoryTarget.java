package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.workflows.model.RestoreTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * What a physical restore overwrites: the instance's data directory, its size, whether the
 * cluster runs and how many sessions it has open (the restore stops it). Reads only; what cannot
 * be read is said in the note, never thrown.
 */
public final class DataDirectoryTarget {

  /** Client sessions other than the one asking. */
  static final String OPEN_SESSIONS = "select count(*) from pg_stat_activity"
      + " where backend_type = 'client backend' and pid <> pg_backend_pid()";

  private DataDirectoryTarget() {}

  public static RestoreTarget read(String host, CommandRunner runner, InstanceConfig instance) {
    String where = "data directory " + instance.pgdata();
    List<String> unread = new ArrayList<>();
    long size = size(runner, instance, unread);
    ClusterControl cluster = new ClusterControl(runner, instance);
    boolean running;
    try {
      running = cluster.state() == ClusterState.RUNNING;
    } catch (RuntimeException e) {
      return new RestoreTarget(host, where, false, size, RestoreTarget.UNKNOWN_CONNECTIONS,
          "pg_ctl status failed: " + e.getMessage());
    }
    int connections = running ? sessions(cluster, unread) : 0;
    return new RestoreTarget(host, where, running, size, connections,
        unread.isEmpty() ? null : String.join("; ", unread));
  }

  private static long size(CommandRunner runner, InstanceConfig instance, List<String> unread) {
    try {
      CommandResult du = runner.run(Command.of(ClusterCommands.usedBytes(instance.pgdata()),
          instance.osUser(), ClusterControl.QUICK));
      if (du.succeeded()) {
        return Long.parseLong(du.stdout().strip().split("\\s+")[0]);
      }
      unread.add("its size could not be read (du exited with " + du.exitCode() + ")");
    } catch (RuntimeException e) {
      unread.add("its size could not be read (" + e.getMessage() + ")");
    }
    return RestoreTarget.UNKNOWN_SIZE;
  }

  private static int sessions(ClusterControl cluster, List<String> unread) {
    try {
      return Integer.parseInt(cluster.queryValue(OPEN_SESSIONS));
    } catch (RuntimeException e) {
      unread.add("its sessions could not be counted (" + e.getMessage() + ")");
      return RestoreTarget.UNKNOWN_CONNECTIONS;
    }
  }
}
