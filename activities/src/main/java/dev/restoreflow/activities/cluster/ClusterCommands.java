package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.config.InstanceConfig;
import java.util.List;

/** Pure builders of the argv that control a cluster: pg_ctl or systemctl, psql, pg_isready. */
public final class ClusterCommands {

  private ClusterCommands() {}

  public static List<String> status(InstanceConfig i) {
    return List.of(i.pgTool("pg_ctl"), "status", "-D", i.pgCtlDir());
  }

  public static List<String> stop(InstanceConfig i, boolean immediate) {
    if (i.systemdUnit() != null && !immediate) {
      return List.of("systemctl", "stop", i.systemdUnit());
    }
    return List.of(i.pgTool("pg_ctl"), "stop", "-D", i.pgCtlDir(), "-m",
        immediate ? "immediate" : "fast", "-w", "-t", String.valueOf(i.stopTimeoutSeconds()));
  }

  public static List<String> start(InstanceConfig i) {
    if (i.systemdUnit() != null) {
      return List.of("systemctl", "start", i.systemdUnit());
    }
    return List.of(i.pgTool("pg_ctl"), "start", "-D", i.pgCtlDir(), "-w", "-t",
        String.valueOf(i.startTimeoutSeconds()), "-l", i.serverLog());
  }

  /**
   * The end of the server's log, where a start that failed says why: the journal of the systemd
   * unit, else pg_ctl's log file ({@code -l}).
   */
  public static List<String> serverLogTail(InstanceConfig i) {
    if (i.systemdUnit() != null) {
      return List.of("journalctl", "-u", i.systemdUnit(), "-n", "20", "--no-pager");
    }
    return List.of("tail", "-n", "10", "--", i.serverLog());
  }

  public static List<String> promote(InstanceConfig i) {
    return List.of(i.pgTool("pg_ctl"), "promote", "-D", i.pgCtlDir(), "-w", "-t",
        String.valueOf(i.startTimeoutSeconds()));
  }

  public static List<String> isReady(InstanceConfig i) {
    return List.of(i.pgTool("pg_isready"), "-h", i.connectHost(), "-p", String.valueOf(i.port()),
        "-d", i.database(), "-U", i.dbUser(), "-t", "2");
  }

  /** psql that prints bare values, stops at the first error and reads no psqlrc. */
  public static List<String> query(InstanceConfig i, String sql) {
    return query(i, i.database(), sql);
  }

  /** {@link #query(InstanceConfig, String)} in another database of the cluster. */
  public static List<String> query(InstanceConfig i, String database, String sql) {
    return List.of(i.pgTool("psql"), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
        "-h", i.connectHost(), "-p", String.valueOf(i.port()), "-U", i.dbUser(),
        "-d", database, "-c", sql);
  }

  /**
   * Empties a directory, keeping the directory itself; never follows symbolic links below it.
   * Prints the kind (find's %y: f, d, l) of each entry it removed, one per line. The
   * directory must not be a link itself: find would not descend into it.
   */
  public static List<String> emptyDirectory(String dir) {
    return List.of("find", dir, "-mindepth", "1", "-delete", "-printf", "%y\\n");
  }

  /** The kind of {@code path} itself (find's %y: d, l, f, ...), a tab, and a link's target. */
  public static List<String> describePath(String path) {
    return List.of("find", path, "-maxdepth", "0", "-printf", "%y\\t%l\\n");
  }

  public static List<String> listDirectory(String dir) {
    return List.of("ls", "-A", dir);
  }

  /** Bytes available to the cluster's user on the file system of {@code dir}. */
  public static List<String> freeBytes(String dir) {
    return List.of("df", "-B1", "--output=avail", dir);
  }

  /** Bytes used by {@code dir}. */
  public static List<String> usedBytes(String dir) {
    return List.of("du", "-sb", dir);
  }

  /**
   * The bytes of a data directory's files without its WAL ({@code pg_wal}, which can be as large
   * as max_wal_size and is not what a backup copies as data).
   */
  public static List<String> dataBytes(String pgdata) {
    return List.of("du", "-sb", "--exclude=pg_wal", pgdata);
  }
}
