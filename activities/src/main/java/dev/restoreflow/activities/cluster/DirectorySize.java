package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The size of a directory as it grows, measured with {@code du -sb} as the directory's OS user
 * every few seconds (not per heartbeat: a 2 TB data directory takes a while to walk), on the
 * directory's host through the step's runner. A restore whose tool prints no byte figures shows
 * its progress this way: the data directory's size against the backup's.
 */
public final class DirectorySize implements AutoCloseable {

  /** How often a running restore's data directory is measured. */
  public static final Duration EVERY = Duration.ofSeconds(5);

  private final CommandRunner runner;
  private final String osUser;
  private final Supplier<List<String>> du;
  private final Duration every;
  private final ScheduledExecutorService sampler;
  private volatile long bytes;

  public DirectorySize(CommandRunner runner, String osUser, String directory, Duration every) {
    this(runner, osUser, () -> ClusterCommands.usedBytes(directory), every);
  }

  /**
   * @param du the {@code du -sb} argv to run at each measurement, or null while there is nothing
   *     to measure yet (e.g. a backup directory whose name the tool has not printed)
   */
  public DirectorySize(CommandRunner runner, String osUser, Supplier<List<String>> du,
      Duration every) {
    this.runner = runner;
    this.osUser = osUser;
    this.du = du;
    this.every = every;
    this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "directory-size");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts measuring, now and then every {@code every}. */
  public DirectorySize start() {
    sampler.scheduleWithFixedDelay(this::sample, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Measures now (also once more at the end, for a step's summary). */
  public void sample() {
    try {
      List<String> argv = du.get();
      if (argv == null) {
        return;
      }
      // files removed meanwhile make du complain and exit 1; its total still counts
      CommandResult measured = runner.run(Command.of(argv, osUser, Duration.ofMinutes(2)));
      bytes = firstNumber(measured.stdout(), bytes);
    } catch (RuntimeException e) {
      // the next sample may do better; progress is for people, not for the restore
    }
  }

  /** The size the last measurement found; 0 before the first. */
  public long bytes() {
    return bytes;
  }

  /** The total du printed last, or {@code fallback} when it printed none. */
  public static long firstNumber(String duOutput, long fallback) {
    String[] lines = duOutput.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    int end = 0;
    while (end < last.length() && Character.isDigit(last.charAt(end))) {
      end++;
    }
    return end == 0 ? fallback : Long.parseLong(last.substring(0, end));
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
