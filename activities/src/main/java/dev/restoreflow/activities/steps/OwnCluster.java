package dev.restoreflow.activities.steps;

import dev.restoreflow.activities.Aside;
import dev.restoreflow.activities.cluster.ClusterControl;
import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads how new the instance's own data is, for the RPO: the running cluster's newest commit, or
 * a stopped one's latest checkpoint. Reads only, and never fails: what cannot be read is said in
 * the answer. Always the instance's own cluster, also when a clone or drill restores elsewhere.
 */
final class OwnCluster {

  /** What a cluster without track_commit_timestamp answers to {@link #NEWEST_COMMIT}. */
  static final String UNTRACKED = "off";
  /**
   * One psql: {@value #UNTRACKED} when track_commit_timestamp is off, else seconds since the
   * epoch with microseconds, or an empty line when no commit is recorded.
   */
  static final String NEWEST_COMMIT = "select case when current_setting('track_commit_timestamp')"
      + " = 'on' then coalesce(extract(epoch from (pg_last_committed_xact()).timestamp)::text, '')"
      + " else '" + UNTRACKED + "' end";
  private static final String CHECKPOINT_LINE = "Time of latest checkpoint:";
  /** pg_controldata's %c in the C locale: "Mon Nov 30 09:02:11 2026" (day padded with a space). */
  private static final DateTimeFormatter C_TIME =
      DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT);

  private OwnCluster() {}

  /**
   * @param hasDataDirectory false for an engine that restores through a running server, which
   *     the plan has just talked to
   */
  static NewestData read(CommandRunner runner, InstanceConfig own, boolean hasDataDirectory) {
    if (!hasDataDirectory) {
      return NewestData.of(NewestData.Kind.SERVER_RUNNING);
    }
    ClusterControl cluster = new ClusterControl(runner, own);
    // psql asks at once, beside pg_ctl status: a running cluster's answer then takes one
    // process's time, not two; a stopped cluster refuses the connection and its answer is dropped
    Aside<NewestData> commit = Aside.start("rpo-newest-commit", () -> newestCommit(cluster));
    ClusterState state;
    try {
      state = cluster.state();
    } catch (RuntimeException e) {
      commit.await();
      return NewestData.unknown("pg_ctl status: " + shortly(e.getMessage()));
    }
    if (state == ClusterState.RUNNING) {
      return commit.join();   // newestCommit never throws
    }
    NewestData newest = state == ClusterState.NO_DATA
        ? NewestData.unknown("no data directory at " + own.pgdata())
        : latestCheckpoint(runner, own);
    commit.await();   // its refused connection: nothing of the read goes on after it
    return newest;
  }

  private static NewestData latestCheckpoint(CommandRunner runner, InstanceConfig own) {
    try {
      CommandResult control = runner.run(new Command(controlData(own), own.osUser(),
          ClusterControl.QUICK, null, Map.of("LC_ALL", "C", "TZ", "UTC")));
      Instant checkpoint = control.succeeded() ? checkpointTime(control.stdout()) : null;
      return checkpoint != null ? NewestData.checkpoint(checkpoint)
          : NewestData.unknown("pg_controldata: " + (control.succeeded()
              ? "no time of latest checkpoint in its output" : shortly(control.stderrTail())));
    } catch (RuntimeException e) {
      return NewestData.unknown("pg_controldata: " + shortly(e.getMessage()));
    }
  }

  private static NewestData newestCommit(ClusterControl cluster) {
    try {
      String epoch = cluster.queryValue(NEWEST_COMMIT);
      if (UNTRACKED.equals(epoch)) {
        return NewestData.of(NewestData.Kind.RUNNING_UNTRACKED);
      }
      return epoch.isEmpty() ? NewestData.of(NewestData.Kind.RUNNING_NO_COMMIT_RECORDED)
          : NewestData.commit(epochInstant(epoch));
    } catch (RuntimeException e) {
      return NewestData.unreadable(shortly(e.getMessage()));
    }
  }

  static List<String> controlData(InstanceConfig own) {
    return List.of(own.pgTool("pg_controldata"), "-D", own.pgdata());
  }

  /** "1764493331.123456" -> the instant. */
  static Instant epochInstant(String epoch) {
    BigDecimal micros = new BigDecimal(epoch.strip()).movePointRight(6);
    return Instant.EPOCH.plusNanos(micros.longValue() * 1000);
  }

  /** The latest checkpoint's time in pg_controldata's output (run with LC_ALL=C, TZ=UTC). */
  static Instant checkpointTime(String output) {
    for (String line : output.split("\n")) {
      if (line.startsWith(CHECKPOINT_LINE)) {
        String value = line.substring(CHECKPOINT_LINE.length()).strip().replaceAll("\\s+", " ");
        try {
          return LocalDateTime.parse(value, C_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static String shortly(String message) {
    String text = message == null ? "no message" : message.strip().replaceAll("\\s+", " ");
    return text.length() > 200 ? text.substring(0, 200) + " ..." : text;
  }
}
