package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The mark of a restore that has begun and not finished: the file
 * {@code <pgdata>.restoreflow-incomplete} beside the data directory. WipeData writes it before
 * it deletes anything and every engine's restore step before it writes anything; the restore
 * step removes it as its last act, once everything it wrote is durable. While it exists,
 * {@link ClusterControl#start} refuses to start PostgreSQL on the directory.
 *
 * <p>Beside the data directory, not inside it: pg_probackup restores only into an empty one,
 * and WipeData would delete it. It is written by the worker's own user (the data directory's
 * parent need not be writable by the cluster's owner) and never through a link: it is removed
 * first and created exclusively ({@code dd conv=excl} opens it O_EXCL), and read with O_NOFOLLOW.
 */
public final class UnfinishedRestore {

  public static final String SUFFIX = ".restoreflow-incomplete";
  private static final Duration LIMIT = Duration.ofSeconds(30);

  /** Who is restoring: for the marker's text, so a person finds the job. */
  public record Mark(String jobId, String step, String engine, String backupId) {}

  private UnfinishedRestore() {}

  /** Where the marker of {@code instance} is. */
  public static String path(InstanceConfig instance) {
    return Path.of(instance.pgdata()).normalize() + SUFFIX;
  }

  /** Writes (or rewrites) the marker, durably. */
  public static void mark(CommandRunner runner, InstanceConfig instance, Mark mark) {
    String path = path(instance);
    runner.runChecked(asWorker(List.of("rm", "-f", "--", path)));
    runner.runChecked(asWorker(List.of("dd", "of=" + path, "conv=excl,fsync", "oflag=nofollow",
        "status=none")).withStdin(text(instance, mark)));
    syncParent(runner, path);
  }

  /**
   * The restore step's last act: everything in the data directory's file system is flushed to
   * disk, then the marker is removed.
   */
  public static void finish(CommandRunner runner, InstanceConfig instance) {
    runner.runChecked(Command.of(List.of("sync", "--file-system", "--",
        Path.of(instance.pgdata()).normalize().toString()), null, Duration.ofMinutes(30)));
    clear(runner, instance);
  }

  /** Removes the marker, durably: the restore of the data directory is complete. */
  public static void clear(CommandRunner runner, InstanceConfig instance) {
    String path = path(instance);
    runner.runChecked(asWorker(List.of("rm", "-f", "--", path)));
    syncParent(runner, path);
  }

  /**
   * The marker's text when there is one. Anything at its path that cannot be read (a link, a
   * directory) counts as a marker too: it is not for restoreflow to decide it means nothing.
   */
  public static Optional<String> find(CommandRunner runner, InstanceConfig instance) {
    String path = path(instance);
    CommandResult result = runner.run(asWorker(List.of("dd", "if=" + path, "iflag=nofollow",
        "bs=4096", "count=1", "status=none")));
    if (result.succeeded()) {
      return Optional.of(result.stdout().strip());
    }
    if (result.stderrTail().contains("No such file or directory")) {
      return Optional.empty();
    }
    return Optional.of("(unreadable: " + result.stderrTail().strip() + ")");
  }

  /** The refusal to start PostgreSQL on a directory with a marker, for people. */
  public static String refusal(InstanceConfig instance, String marker) {
    return "not starting PostgreSQL on " + Path.of(instance.pgdata()).normalize()
        + ": a restore of it began and did not finish (" + path(instance) + ": "
        + firstLines(marker) + "). Its contents are incomplete: run a full restore of the"
        + " instance (or let the job restoring it finish)";
  }

  static String text(InstanceConfig instance, Mark mark) {
    return "restoreflow: an unfinished restore of " + Path.of(instance.pgdata()).normalize() + "\n"
        + "job: " + mark.jobId() + "\n"
        + "step: " + mark.step() + "\n"
        + "engine: " + mark.engine() + "\n"
        + "backup: " + (mark.backupId() == null ? "-" : mark.backupId()) + "\n"
        + "since: " + Instant.now() + "\n"
        + "PostgreSQL must not run on this data directory: its contents are incomplete.\n"
        + "Let the job finish, or run a full restore of the instance. restoreflow removes this\n"
        + "file when a restore step has finished; remove it by hand only after restoring the\n"
        + "data directory completely by other means.\n";
  }

  private static String firstLines(String marker) {
    String[] lines = marker.strip().split("\n");
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      if (line.startsWith("job: ") || line.startsWith("step: ") || line.startsWith("since: ")) {
        out.append(out.length() == 0 ? "" : ", ").append(line);
      }
    }
    return out.length() == 0 ? marker.strip() : out.toString();
  }

  private static void syncParent(CommandRunner runner, String path) {
    runner.runChecked(asWorker(List.of("sync", "--", Path.of(path).getParent().toString())));
  }

  private static Command asWorker(List<String> argv) {
    return Command.of(argv, null, LIMIT);
  }
}
