package dev.restoreflow.activities;

import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Sizes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A file system a step writes to is full: the DISK_FULL failure, never retried (a retry would
 * only fill it again), saying what was being written, where, how much room is left there and
 * what to do.
 *
 * <p>The JDK reports ENOSPC (and EDQUOT, a quota) only as the C library's text in an
 * IOException's message (a FileSystemException's too), and tools print the same text
 * ({@code pg_probackup: ERROR: Cannot write to "...": No space left on device}): that text is
 * what is recognised, here and nowhere else. It is the C locale's (English) text, as the other
 * tool messages restoreflow reads.
 */
public final class DiskFull {

  private static final List<String> NO_SPACE = List.of("No space left on device",
      "Disk quota exceeded");
  private static final Duration DF_LIMIT = Duration.ofSeconds(30);

  private DiskFull() {}

  /** Whether {@code e} or one of its causes is a write that found no space. */
  public static boolean causedBy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (saysNoSpace(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  /** Whether a tool's output (its stderr) reports a write that found no space. */
  public static boolean saysNoSpace(String output) {
    return output != null && NO_SPACE.stream().anyMatch(output::contains);
  }

  /** The free and total bytes of a file system, and where it is mounted (df). */
  public record Room(long freeBytes, long sizeBytes, String mountPoint) {}

  /** Free bytes and size of the file system of {@code dir}, and where it is mounted. */
  public static List<String> df(String dir) {
    return List.of("df", "-B1", "--output=avail,size,target", "--", dir);
  }

  /** The data line of {@link #df}'s output; empty when there is none. */
  static Optional<Room> parseDf(String stdout) {
    String[] lines = stdout.strip().split("\n");
    if (lines.length < 2) {
      return Optional.empty();
    }
    String[] fields = lines[lines.length - 1].strip().split("\\s+", 3);
    if (fields.length < 3 || !fields[0].matches("\\d+") || !fields[1].matches("\\d+")) {
      return Optional.empty();
    }
    return Optional.of(new Room(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[2]));
  }

  /**
   * The room left on the file system of {@code dir}, asked where the step writes (through
   * {@code runner}, as {@code runAs}); empty when df cannot tell.
   */
  public static Optional<Room> roomOf(CommandRunner runner, String runAs, String dir) {
    try {
      CommandResult result = runner.run(Command.of(df(dir), runAs, DF_LIMIT));
      return result.succeeded() ? parseDf(result.stdout()) : Optional.empty();
    } catch (CommandFailedException e) {
      return Optional.empty();
    }
  }

  /**
   * The failure of a step that ran out of space.
   *
   * @param step the step's name
   * @param writing what it was writing, e.g. "restoring backup X"
   * @param dir where: the directory it was writing into
   * @param room what df says of {@code dir}'s file system now (empty: unknown)
   * @param leftBehind what {@code dir} holds now and what to do, e.g. "it holds a partial restore:
   *     make room, then run a full restore"
   * @param cause the error as the writer reported it
   */
  public static ApplicationFailure failure(String step, String writing, String dir,
      Optional<Room> room, String leftBehind, String cause) {
    String space = room.map(r -> String.format("its file system (mounted on %s) has %s"
        + " free of %s", r.mountPoint(), Sizes.human(r.freeBytes()), Sizes.human(r.sizeBytes())))
        .orElse("how much is free there is unknown (df did not say)");
    return Failures.of(FailureType.DISK_FULL, String.format("%s: no space left on device while %s"
        + " into %s; %s. %s (%s)", step, writing, dir, space, leftBehind, cause.strip()));
  }
}
