package dev.restoreflow.activities.basebackup;

import com.github.luben.zstd.ZstdIOException;
import dev.restoreflow.activities.DiskFull;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.archive.ConfinedDirectory;
import dev.restoreflow.activities.archive.CorruptObjectException;
import dev.restoreflow.activities.archive.TarIndex;
import dev.restoreflow.activities.archive.UnsafePathException;
import dev.restoreflow.activities.cluster.UnfinishedRestore;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Sizes;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.RecoveryTarget;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FetchS3. Runs where the data directory is (a worker on the database host). Safe to run again:
 * a retry reads its last heartbeat's restart point and goes on from there; files are rewritten,
 * never appended to twice.
 */
public class BaseBackupActivitiesImpl implements BaseBackupActivities {

  private static final Logger log = LoggerFactory.getLogger(BaseBackupActivitiesImpl.class);

  private final HostServices services;

  public BaseBackupActivitiesImpl(HostServices services) {
    this.services = services;
  }

  @Override
  public StepResult fetchS3(EngineRestoreInput input) {
    long started = System.currentTimeMillis();
    ActivityExecutionContext activity = Activity.getExecutionContext();
    int attempt = activity.getInfo().getAttempt();
    try (HostStep ctx = HostStep.open(services, input.step())) {
      BaseBackupEngine.requireLocalHost(ctx);
      if (input.incremental()) {
        return fetchDelta(input, ctx, started);
      }
      FetchCheckpoint from = activity.getHeartbeatDetails(FetchCheckpoint.class)
          .orElse(new FetchCheckpoint(0, 0, null, 0, 0, 0, 0));
      AtomicLong downloaded = new AtomicLong(from.downloaded());
      AtomicReference<FetchCheckpoint> latest = new AtomicReference<>(from);
      Path pgdata = Path.of(ctx.instance().pgdata());
      UnfinishedRestore.mark(ctx.runner(), ctx.instance(), new UnfinishedRestore.Mark(
          ctx.jobId(), BaseBackupActivities.FETCH_STEP, ctx.instance().engine(), input.backupId()));
      AtomicLong storedBytes = new AtomicLong();
      try (ObjectStore store = BaseBackupEngine.open(ctx);
          Heartbeats beats = Heartbeats.start(() -> latest.get().withBytes(downloaded.get(),
              storedBytes.get()))) {
        BackupMeta meta = meta(store, input);
        storedBytes.set(storedBytes(meta));
        String walUpTo = walUpTo(input, meta);
        if (attempt > 1) {
          log.info("FetchS3 attempt {} goes on from object {} chunk {}{}", attempt, from.object(),
              from.chunk(), from.insideEntry() ? " inside " + from.entryName() : "");
        }
        BaseBackupFetcher.Fetched fetched = new BaseBackupFetcher(store,
            ctx.instance().settings(BaseBackupConfig.class), pgdata).fetch(input.step().instance(),
                meta, from, walUpTo,
            downloaded, checkpoint -> {
              latest.set(checkpoint);
              beats.rethrowIfStopped();
            });
        beats.rethrowIfStopped();
        Finished end = finish(pgdata, meta, input, ctx, fetched.checksums(), Set.of());
        return new StepResult(BaseBackupActivities.FETCH_STEP, started, System.currentTimeMillis(),
            describe(meta, fetched, from, attempt, end.verified(), end.fetchedAt() - started,
                end.verifyMillis()));
      } catch (IOException e) {
        throw failureOf(e, ctx, input.backupId());
      }
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(BaseBackupActivities.FETCH_STEP, e);
    }
  }

  /**
   * The full restore's detail, sizes for people: "restored basebackup X: 975 files, 1.6 GiB
   * written; ...". "X written" is what the job's figures on /metrics read.
   */
  static String describe(BackupMeta meta, BaseBackupFetcher.Fetched fetched, FetchCheckpoint from,
      int attempt, String verified, long fetchMillis, long verifyMillis) {
    return String.format("restored basebackup %s: %d files, %s written; %d WAL files; downloaded"
        + " %s (%s by this attempt%s); %s; fetched in %.1f s, verified in %.1f s", meta.id(),
        fetched.filesWritten(), Sizes.human(fetched.bytesWritten()), fetched.walFiles(),
        Sizes.human(fetched.downloaded()), Sizes.human(fetched.downloaded() - from.downloaded()),
        attempt > 1 ? ", attempt " + attempt + ", resumed at object " + from.object()
            + " chunk " + from.chunk() : "", verified, fetchMillis / 1000.0,
        verifyMillis / 1000.0);
  }

  /**
   * What a full restore downloads: the backup's objects as stored (compressed). The WAL fetched
   * after them is not known before its listing, so the bar is full while it comes.
   */
  static long storedBytes(BackupMeta meta) {
    return meta.objects().stream().mapToLong(BackupObject::size).sum();
  }

  /**
   * The delta restore ({@link DeltaFetcher}): on a stopped cluster's data directory, compared
   * with the backup's file index. A retry is a delta again, against what the killed attempt left;
   * its heartbeat carries only the bytes downloaded so far.
   */
  private StepResult fetchDelta(EngineRestoreInput input, HostStep ctx, long started)
      throws CommandFailedException {
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    long before = Activity.getExecutionContext().getHeartbeatDetails(FetchCheckpoint.class)
        .map(FetchCheckpoint::downloaded).orElse(0L);
    AtomicLong downloaded = new AtomicLong(before);
    AtomicReference<FetchCheckpoint> latest = new AtomicReference<>(
        new FetchCheckpoint(0, 0, null, 0, 0, 0, before));
    Path pgdata = Path.of(ctx.instance().pgdata());
    AtomicReference<DeltaFetcher> fetcher = new AtomicReference<>();
    try (ObjectStore store = BaseBackupEngine.open(ctx);
        Heartbeats beats = Heartbeats.start(() -> latest.get().withBytes(
            fetcher.get() == null ? 0 : fetcher.get().bytesDone(),
            fetcher.get() == null ? 0 : fetcher.get().bytesTotal()))) {
      BackupMeta meta = meta(store, input);
      TarIndex index = DeltaRestores.index(store, input.step().instance(), meta);
      DeltaRestores.refuseUnlessStoppedPostgres(ctx, pgdata);
      UnfinishedRestore.mark(ctx.runner(), ctx.instance(), new UnfinishedRestore.Mark(
          ctx.jobId(), BaseBackupActivities.FETCH_STEP, ctx.instance().engine(), meta.id()));
      String walUpTo = walUpTo(input, meta);
      fetcher.set(new DeltaFetcher(store, ctx.instance().settings(BaseBackupConfig.class),
          pgdata));
      DeltaFetcher.Outcome delta = fetcher.get().fetch(input.step().instance(), meta, index,
          walUpTo, downloaded, ctx.scratch() != null ? Map.of()
              : new FileStamps(pgdata).load(meta.id()), () -> {
            latest.set(new FetchCheckpoint(0, 0, null, 0, 0, 0, downloaded.get(),
                fetcher.get().comparedBytes()));
            beats.rethrowIfStopped();
          });
      beats.rethrowIfStopped();
      Finished end = finish(pgdata, meta, input, ctx, delta.checksums(), delta.unread());
      return new StepResult(BaseBackupActivities.FETCH_STEP, started, System.currentTimeMillis(),
          DeltaRestores.describe(meta, delta, downloaded.get() - before, attempt, end.verified(),
              end.fetchedAt() - started, end.verifyMillis()));
    } catch (IOException e) {
      throw failureOf(e, ctx, input.backupId());
    }
  }

  private static BackupMeta meta(ObjectStore store, EngineRestoreInput input) throws IOException {
    return new BaseBackupCatalog(store, input.step().instance()).backup(input.backupId())
        .orElseThrow(() -> Failures.of(FailureType.BACKUP_NOT_FOUND, "backup " + input.backupId()
            + " has no backup.json in " + store.describe()));
  }

  /** The last WAL segment to prefetch: the recovery target LSN's; null = all there is. */
  private static String walUpTo(EngineRestoreInput input, BackupMeta meta) {
    return input.recoveryTarget() != null && input.recoveryTarget().lsn() != null
        ? WalNames.segmentOf(meta.timeline(), input.recoveryTarget().lsn()) : null;
  }

  /** How a fetch ended: the manifest check's words, when the data was in place, the check's time. */
  private record Finished(String verified, long fetchedAt, long verifyMillis) {}

  /**
   * What a full and a delta fetch do once the data is in place: the manifest check, the recovery
   * settings, pg_control put in place, the files' stamps kept (not a scratch target's), the
   * unfinished mark removed.
   */
  private static Finished finish(Path pgdata, BackupMeta meta, EngineRestoreInput input,
      HostStep ctx, Map<String, Integer> checksums, Set<String> unchanged) throws IOException {
    long fetchedAt = System.currentTimeMillis();
    String verified = verifyAgainstManifest(pgdata, checksums, unchanged);
    long verifyMillis = System.currentTimeMillis() - fetchedAt;
    writeRecoverySettings(pgdata, meta.id(), input.recoveryTarget(),
        Boolean.TRUE.equals(ctx.instance().keepArchiving()), ctx);
    PgControlLast.publish(ConfinedDirectory.ownedLikeRoot(pgdata));
    if (ctx.scratch() == null) {   // a scratch target is removed after its drill or clone
      keepStamps(pgdata, meta.id());
    }
    try {
      UnfinishedRestore.finish(ctx.runner(), ctx.instance());
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(BaseBackupActivities.FETCH_STEP, e);
    }
    return new Finished(verified, fetchedAt, verifyMillis);
  }

  /**
   * Every restored file against the backup's own manifest (sizes and checksums), as
   * pg_verifybackup checks it: corruption that slipped past the decompressor stops here.
   */
  private static String verifyAgainstManifest(Path pgdata, Map<String, Integer> checksums,
      Set<String> unchanged) throws IOException {
    if (!ManifestCheck.present(pgdata)) {
      log.warn("no backup_manifest in the restored data: files not verified");
      return "no manifest, not verified";
    }
    ManifestCheck.Checked checked = ManifestCheck.verify(pgdata, checksums,
        PgControlLast.writtenAs(), unchanged);
    return String.format("%d files verified against backup_manifest%s%s", checked.files(),
        checked.readBack() > 0 ? " (" + checked.readBack() + " read back from disk)" : "",
        checked.unread() > 0 ? " (" + checked.unread() + " by their size only: unchanged since"
            + " they held this backup)" : "");
  }

  /**
   * Every file the manifest check covers now holds the backup's content: their stamps let the
   * next delta restore of this backup keep them without reading them ({@link FileStamps}).
   * Nothing writes the stopped cluster's directory until this step has ended, and the clock's
   * tick (or second) is waited out: any later change is a new stamp.
   */
  private static void keepStamps(Path pgdata, String backupId) {
    try {
      Map<String, FileStamps.Stamp> stamps = FileStamps.take(pgdata);
      new FileStamps(pgdata).save(backupId, stamps);
      FileStamps.letTheClockTurn(stamps);
    } catch (IOException e) {
      log.warn("no file stamps kept for backup {}: {}", backupId, e.getMessage());
    }
  }

  private static void writeRecoverySettings(Path pgdata, String backupId, RecoveryTarget target,
      boolean keepArchiving, HostStep ctx) throws IOException {
    try {
      RecoverySettings.write(ConfinedDirectory.ownedLikeRoot(pgdata), backupId, target,
          keepArchiving, ctx.instance().settings(BaseBackupConfig.class).settings());
    } catch (UnsafePathException e) {
      throw e.in("writing the recovery settings");
    }
  }

  /**
   * A corrupt or truncated object will not get better on a retry; a network error may; a full
   * disk would fill again. A write the data directory refused (a link, a path out) means the
   * backup's content is not to be trusted.
   */
  static RuntimeException failureOf(IOException e, HostStep ctx, String backupId) {
    if (e instanceof UnsafePathException) {
      return Failures.of(FailureType.OBJECT_CORRUPT, "FetchS3: " + e.getMessage() + ". The"
          + " backup is corrupt or was tampered with: do not trust it; restore another backup");
    }
    if (DiskFull.causedBy(e)) {
      String pgdata = ctx.instance().pgdata();
      return DiskFull.failure(BaseBackupActivities.FETCH_STEP, "restoring basebackup " + backupId,
          pgdata, DiskFull.roomOf(ctx.runner(), ctx.instance().osUser(), pgdata),
          "The data directory holds a partial restore, not a usable cluster: make room on"
              + " its file system (or give it a larger one), then run a full restore",
                  e.getMessage());
    }
    boolean corrupt = e instanceof CorruptObjectException
        || e.getCause() instanceof CorruptObjectException
        || e instanceof ManifestCheck.MismatchException
        || e instanceof EOFException || e instanceof ZipException
        || e.getCause() instanceof EOFException || e.getCause() instanceof ZipException
        || e.getCause() instanceof ZstdIOException || e instanceof ZstdIOException;
    return Failures.of(corrupt ? FailureType.OBJECT_CORRUPT : FailureType.STORAGE_FAILED,
        "FetchS3: " + e.getMessage());
  }
}
