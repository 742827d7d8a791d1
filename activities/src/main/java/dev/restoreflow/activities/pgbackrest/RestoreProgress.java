package dev.restoreflow.activities.pgbackrest;

import dev.restoreflow.activities.cluster.DirectorySize;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import dev.restoreflow.activities.exec.OutputTail;
import dev.restoreflow.workflows.Sizes;
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

  private final int attempt;
  private final long backupBytes;
  private final DirectorySize dataDir;
  private final OutputTail tail = new OutputTail();
  private final FileCounts written = new FileCounts();
  private final FileCounts kept = new FileCounts();
  private volatile double percentDone = -1;

  RestoreProgress(int attempt, long backupBytes, CommandRunner runner, InstanceConfig instance) {
    this.attempt = attempt;
    this.backupBytes = backupBytes;
    this.dataDir = new DirectorySize(runner, instance.osUser(), instance.pgdata(),
        DirectorySize.EVERY);
  }

  /** Starts measuring the data directory. */
  void start() {
    dataDir.start();
  }

  /** Measures the data directory now (also once more at the end, for the step's summary). */
  void sample() {
    dataDir.sample();
  }

  static long firstNumber(String duOutput, long fallback) {
    return DirectorySize.firstNumber(duOutput, fallback);
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
    return (int) Math.min(99, dataDir.bytes() * 100 / backupBytes);
  }

  Object snapshot() {
    return new RestoreHeartbeat(attempt, dataDir.bytes(), backupBytes, percent(),
        written.files(), written.bytes(), kept.files(), kept.bytes(), tail.lines(),
        tail.lastLine(), bytesDone(), backupBytes);
  }

  /**
   * How far the restore is, in bytes of the backup: pgBackRest's own percent once it printed one
   * (a delta restore's data directory is full from the start), else the data directory's size.
   */
  long bytesDone() {
    long done = percentDone >= 0 ? (long) (backupBytes * (percentDone / 100.0))
        : dataDir.bytes();
    return backupBytes > 0 ? Math.min(done, backupBytes) : done;
  }

  /**
   * The step's summary; "X written" is what the job's figures on /metrics read (pgBackRest's
   * rounded sizes, so close rather than exact).
   */
  String summary() {
    if (written.files() + kept.files() == 0) {
      return String.format("%s in the data directory, backup %s; %d output lines",
          Sizes.human(dataDir.bytes()), Sizes.human(backupBytes), tail.lines());
    }
    return String.format("%,d files rewritten (%s written), %,d files kept as they were"
        + " (%s); backup %s, %s in the data directory", written.files(),
        Sizes.human(written.bytes()), kept.files(), Sizes.human(kept.bytes()),
        Sizes.human(backupBytes), Sizes.human(dataDir.bytes()));
  }

  @Override
  public void close() {
    dataDir.close();
  }

  /**
   * Heartbeat details of PgBackRestRestore, as the Temporal UI shows them; {@code bytesDone} of
   * {@code bytesTotal} is the restore's progress for the CLI's bar.
   */
  public record RestoreHeartbeat(int attempt, long bytesInDataDir, long backupBytes, int percent,
      long filesWritten, long bytesWritten, long filesKept, long bytesKept, long outputLines,
      String lastLine, long bytesDone, long bytesTotal) {}

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
