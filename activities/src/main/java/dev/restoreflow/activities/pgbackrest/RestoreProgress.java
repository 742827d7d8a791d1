package dev.restoreflow.activities.pgbackrest;

import dev.restoreflow.activities.cluster.ClusterCommands;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import dev.restoreflow.activities.exec.OutputTail;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PgBackRestRestore's progress. pgBackRest 2.45 has no progress figures in its JSON, but at
 * {@code --log-level-console=detail} it prints a line per file done: whether it wrote the file or
 * found it right already (delta), its size and the percent of the backup done so far (see
 * {@link RestoredFileLine}). Those lines give the percent and the bytes written and kept; the data
 * directory's size ({@code du -sb}, every few seconds) is measured too, and is the percent's
 * source until the first file line.
 */
final class RestoreProgress implements OutputListener, AutoCloseable {

  private static final Duration EVERY = Duration.ofSeconds(5);

  private final int attempt;
  private final long backupBytes;
  private final CommandRunner runner;
  private final InstanceConfig instance;
  private final ScheduledExecutorService sampler;
  private volatile long bytesInDataDir;
  private final OutputTail tail = new OutputTail();
  private final FileCounts written = new FileCounts();
  private final FileCounts kept = new FileCounts();
  private volatile double percentDone = -1;

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
    tail.see(line);
    RestoredFileLine.parse(line).ifPresent(file -> {
      (file.kept() ? kept : written).add(file.bytes());
      percentDone = Math.max(percentDone, file.percent());
    });
  }

  int percent() {
    if (percentDone >= 0) {
      return (int) Math.min(99, percentDone);
    }
    if (backupBytes <= 0) {
      return 0;
    }
    return (int) Math.min(99, bytesInDataDir * 100 / backupBytes);
  }

  Object snapshot() {
    return new RestoreHeartbeat(attempt, bytesInDataDir, backupBytes, percent(), written.files(),
        written.bytes(), kept.files(), kept.bytes(), tail.lines(), tail.lastLine());
  }

  /**
   * The step's summary; "N bytes written" is what the job's figures on /metrics read (pgBackRest's
   * rounded sizes, so close rather than exact).
   */
  String summary() {
    if (written.files() + kept.files() == 0) {
      return String.format("%,d bytes in the data directory, backup %,d bytes; %d output lines",
          bytesInDataDir, backupBytes, tail.lines());
    }
    return String.format("%,d files rewritten (%,d bytes written), %,d files kept as they were"
        + " (%,d bytes); backup %,d bytes, %,d bytes in the data directory", written.files(),
        written.bytes(), kept.files(), kept.bytes(), backupBytes, bytesInDataDir);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }

  /** Heartbeat details of PgBackRestRestore, as the Temporal UI shows them. */
  public record RestoreHeartbeat(int attempt, long bytesInDataDir, long backupBytes, int percent,
      long filesWritten, long bytesWritten, long filesKept, long bytesKept, long outputLines,
      String lastLine) {}

  /** Files and their bytes, added to by the output's thread and read by the heartbeat's. */
  private static final class FileCounts {
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    void add(long fileBytes) {
      files.incrementAndGet();
      bytes.addAndGet(fileBytes);
    }

    long files() {
      return files.get();
    }

    long bytes() {
      return bytes.get();
    }
  }
}
