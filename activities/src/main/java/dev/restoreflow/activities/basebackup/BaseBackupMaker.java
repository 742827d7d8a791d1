package dev.restoreflow.activities.basebackup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.archive.Chunk;
import dev.restoreflow.activities.archive.ChunkedCompressor;
import dev.restoreflow.activities.archive.Compression;
import dev.restoreflow.activities.archive.TarIndex;
import dev.restoreflow.activities.archive.TarIndexer;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.activities.storage.ObjectStore;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a backup of a local cluster: {@code pg_basebackup -Ft -D - -X fetch} (one tar stream with
 * the data, the WAL of the backup window and backup_manifest) read from its stdout, compressed
 * here in independent 16 MiB chunks on several threads ({@link ChunkedCompressor}: restart points
 * for a retried restore) and streamed into the repository as a multipart upload — no temp file.
 * While it passes, the stream is indexed ({@link TarIndexer}: every file's offset and block
 * checksums, for delta restores), stored as {@code files.json} beside the tarball. The backup's
 * {@code backup.json} is written last, after pg_basebackup succeeded.
 */
public final class BaseBackupMaker {

  private static final Logger log = LoggerFactory.getLogger(BaseBackupMaker.class);
  private static final Pattern START = Pattern.compile(
      "write-ahead log start point: ([0-9A-F]+/[0-9A-F]+) on timeline ([0-9]+)");
  private static final Pattern END = Pattern.compile("write-ahead log end point: ([0-9A-F]+/[0-9A-F]+)");

  static final int CHUNK_SIZE = 16 << 20;

  private final Clock clock;
  private final LocalCommandRunner runner = new LocalCommandRunner(Redactor.NONE);

  public BaseBackupMaker(Clock clock) {
    this.clock = clock;
  }

  /** @param progress one line per stage, for the CLI */
  public BackupMeta backup(String instanceName, InstanceConfig instance, ObjectStore store,
      Consumer<String> progress) throws IOException, InterruptedException {
    return backup(instanceName, instance, store, id -> { }, progress, () -> false,
        new AtomicLong());
  }

  /**
   * @param started told the new backup's id before anything is written (a retry after a crash
   *     cleans up by it)
   * @param progress one line per stage
   * @param stopRequested polled while pg_basebackup runs; true kills it (the step was cancelled or
   *     timed out: its backup must not be completed behind the retry's back)
   * @param streamed counts the bytes of tar pg_basebackup has streamed so far (the heartbeat's)
   */
  public BackupMeta backup(String instanceName, InstanceConfig instance, ObjectStore store,
      Consumer<String> started, Consumer<String> progress, BooleanSupplier stopRequested,
      AtomicLong streamed) throws IOException, InterruptedException {
    Compression compression = Compression.of(instance.settings(BaseBackupConfig.class)
        .compression());
    long startedAt = clock.millis();
    String id = BaseBackupLayout.newBackupId(clock.instant());
    if (!store.list(BaseBackupLayout.backupDir(instanceName, id)).isEmpty()) {
      throw new IOException("backup " + id + " exists already (two backups in one second);"
          + " try again");
    }
    started.accept(id);
    String object = "base.tar" + compression.suffix();
    String key = BaseBackupLayout.backupDir(instanceName, id) + object;
    Map<String, FileStamps.Stamp> stamps = FileStamps.beforeBackup(Path.of(instance.pgdata()));
    Command command = Command.of(argv(instance, id), instance.osUser(),
        Duration.ofHours(24));
    List<String> argv = runner.effectiveArgv(command);
    log.info("backup {} of {}: {} > {}/{}", id, instanceName, command.display(), store.describe(),
        key);
    progress.accept("backup " + id + ": pg_basebackup streaming into " + store.describe() + "/"
        + key);
    ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.PIPE);
    // pg_basebackup gets what every command gets, not this process's S3 keys
    builder.environment().clear();
    builder.environment().putAll(runner.environment(command));
    if (runner.needsUserSwitch(command)) {
      builder.directory(new File("/"));
    }
    Process process = builder.start();
    process.getOutputStream().close();
    List<String> stderr = new ArrayList<>();
    Thread errors = new Thread(() -> collect(process, stderr), "pg_basebackup-stderr");
    errors.start();
    Thread stopper = new Thread(() -> killWhenAsked(process, stopRequested), "pg_basebackup-stop");
    stopper.setDaemon(true);
    stopper.start();
    long bytes;
    List<Chunk> chunks;
    long tarBytes;
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    Optional<TarIndex> index;
    try (TarIndexer indexer = new TarIndexer(BackupFileIndex.BLOCK_SIZE);
        ChunkedCompressor compressor = new ChunkedCompressor(process.getInputStream(), compression,
        CHUNK_SIZE, threads, piece -> {
          streamed.addAndGet(piece.length);
          indexer.accept(piece);
        })) {
      bytes = store.write(key, compressor.compressed());
      chunks = compressor.chunks();
      tarBytes = compressor.rawBytes();
      index = indexer.finish();
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException("pg_basebackup did not exit after its output ended");
    }
    errors.join(10_000);
    if (process.exitValue() != 0) {
      store.delete(key);
      throw new IOException("pg_basebackup exited " + process.exitValue() + ": "
          + String.join(" | ", stderr.subList(Math.max(0, stderr.size() - 5), stderr.size()))
          + "; the incomplete object was removed");
    }
    String startLsn = null;
    String stopLsn = null;
    int timeline = 0;
    for (String line : stderr) {
      Matcher start = START.matcher(line);
      Matcher end = END.matcher(line);
      if (start.find()) {
        startLsn = start.group(1);
        timeline = Integer.parseInt(start.group(2));
      } else if (end.find()) {
        stopLsn = end.group(1);
      }
    }
    if (startLsn == null || stopLsn == null) {
      throw new IOException("pg_basebackup did not report its WAL start and end points: " + stderr);
    }
    String indexObject = null;
    if (index.isPresent()) {
      // beside the tarball, before backup.json: a backup that has a backup.json has its index
      store.write(BaseBackupLayout.backupDir(instanceName, id) + BackupFileIndex.OBJECT,
          new ByteArrayInputStream(BackupFileIndex.write(index.get())));
      indexObject = BackupFileIndex.OBJECT;
    }
    BackupMeta meta = new BackupMeta(id, instanceName, compression.configName(), startedAt,
        clock.millis(), startLsn, stopLsn, timeline, version(instance),
        List.of(new BackupObject(object, bytes, tarBytes, chunks)), indexObject);
    store.write(BaseBackupLayout.meta(instanceName, id),
        new ByteArrayInputStream(new ObjectMapper().writeValueAsBytes(meta)));
    new FileStamps(Path.of(instance.pgdata())).afterBackup(id, stamps);
    progress.accept("backup " + id + ": " + bytes + " bytes (" + compression.configName()
        + "), WAL " + startLsn + " .. " + stopLsn + " on timeline " + timeline);
    return meta;
  }

  private static void killWhenAsked(Process process, BooleanSupplier stopRequested) {
    try {
      while (process.isAlive()) {
        if (stopRequested.getAsBoolean()) {
          log.warn("stopping pg_basebackup: the backup step was cancelled or timed out");
          process.destroyForcibly();
          return;
        }
        Thread.sleep(500);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static List<String> argv(InstanceConfig instance, String id) {
    List<String> argv = new ArrayList<>(List.of(instance.pgTool("pg_basebackup"),
        "-h", instance.connectHost(), "-p", String.valueOf(instance.port()),
        "-U", instance.dbUser(), "-D", "-", "-F", "t", "-X", "fetch",
        "--checkpoint=fast", "--no-password", "--verbose", "--label=restoreflow " + id));
    return argv;
  }

  private String version(InstanceConfig instance) {
    return runner.run(Command.of(List.of(instance.pgTool("pg_basebackup"), "--version"), null,
        Duration.ofSeconds(30))).stdout().trim();
  }

  private static void collect(Process process, List<String> lines) {
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        log.info("[pg_basebackup] {}", line);
        synchronized (lines) {
          lines.add(line);
        }
      }
    } catch (IOException e) {
      log.warn("reading pg_basebackup's stderr: {}", e.getMessage());
    }
  }
}
