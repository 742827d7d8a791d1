package dev.restoreflow.activities.pgbackrest;

import dev.restoreflow.activities.cluster.ClusterCommands;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * PgBackRestRestore's progress. pgBackRest 2.45 prints no progress figures while it restores,
 * so what is measured is the data directory's size ({@code du -sb}, every few seconds) against
 * the backup's size. For a restore into an empty directory that is how far it got; for a delta
 * restore of a full directory it is near the backup's size from the start (files are checked
 * in place), and the output lines tell more.
 */
final class RestoreProgress implements OutputListener, AutoCloseable {

  private static final Duration EVERY = Duration.ofSeconds(5);

  private final int attempt;
  private final long backupBytes;
  private final CommandRunner runner;
  private final InstanceConfig instance;
  private final ScheduledExecutorService sampler;
  private volatile long bytesInDataDir;
  private volatile long lines;
  private volatile String lastLine = "";

  RestoreProgress(int attempt, long backupBytes, CommandRunner runner, InstanceConfig instance) {
    this.attempt = attempt;
    this.backupBytes = backupBytes;
    this.runner = runner;
    this.instance = instance;
    this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "pgbackrest-restore-progress");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts measuring the data directory. */
  void start() {
    sampler.scheduleWithFixedDelay(this::sample, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Measures the data directory now (also once more at the end, for the step's summary). */
  void sample() {
    try {
      // files pgBackRest removes meanwhile make du complain and exit 1; its total still counts
      CommandResult du = runner.run(Command.of(ClusterCommands.usedBytes(instance.pgdata()),
          instance.osUser(), Duration.ofMinutes(2)));
      bytesInDataDir = firstNumber(du.stdout(), bytesInDataDir);
    } catch (RuntimeException e) {
      // the next sample may do better; progress is for people, not for the restore
    }
  }

  static long firstNumber(String duOutput, long fallback) {
    String[] lines = duOutput.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    int end = 0;
    while (end < last.length() && Character.isDigit(last.charAt(end))) {
      end++;
    }
    return end == 0 ? fallback : Long.parseLong(last.substring(0, end));
  }

  @Override
  public void onLine(Stream stream, String line) {
    lines++;
    lastLine = line.length() > 200 ? line.substring(0, 200) : line;
  }

  int percent() {
    if (backupBytes <= 0) {
      return 0;
    }
    return (int) Math.min(99, bytesInDataDir * 100 / backupBytes);
  }

  Object snapshot() {
    return new RestoreHeartbeat(attempt, bytesInDataDir, backupBytes, percent(), lines, lastLine);
  }

  String summary() {
    return String.format("%,d bytes in the data directory, backup %,d bytes; %d output lines",
        bytesInDataDir, backupBytes, lines);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }

  /** Heartbeat details of PgBackRestRestore, as the Temporal UI shows them. */
  public record RestoreHeartbeat(int attempt, long bytesInDataDir, long backupBytes, int percent,
      long outputLines, String lastLine) {}
}
