package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.archive.TarIndex;
import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What a delta restore of a basebackup needs before it touches anything, and how it reports. */
final class DeltaRestores {

  private DeltaRestores() {}

  /** Why the backup cannot be restored as a delta, or null when it can. */
  static String whyNot(BackupMeta meta) {
    if (meta.fileIndex() == null) {
      return "backup " + meta.id() + " has no file index (taken by an earlier restoreflow, or"
          + " not by restoreflow): a delta restore needs one; run a full restore of it, or"
          + " restore a newer backup";
    }
    if (meta.objects().size() != 1 || meta.objects().get(0).chunks().isEmpty()
        || meta.objects().get(0).tarBytes() <= 0) {
      return "backup " + meta.id() + " is not one chunked tarball: a delta restore needs one;"
          + " run a full restore of it";
    }
    return null;
  }

  /**
   * PlanRestore of a delta: the backup has a file index, and the listing has it (nothing is
   * touched yet when this refuses).
   */
  static void requireIndex(BaseBackupCatalog.Listing listing, String instance, BackupMeta meta) {
    String why = whyNot(meta);
    if (why != null) {
      throw Failures.of(FailureType.NOT_SUPPORTED, why);
    }
    String key = BaseBackupLayout.backupDir(instance, meta.id()) + BackupFileIndex.OBJECT;
    if (listing.size(key).isEmpty()) {
      throw Failures.of(FailureType.BACKUP_NOT_VALID, "backup " + meta.id() + ": its file index "
          + key + " is missing: restore it in full, or restore another backup");
    }
  }

  /** The backup's file index, read and checked; a failure of the step when there is none. */
  static TarIndex index(ObjectStore store, String instance, BackupMeta meta) throws IOException {
    String why = whyNot(meta);
    if (why != null) {
      throw Failures.of(FailureType.NOT_SUPPORTED, why);
    }
    if (!meta.fileIndex().equals(BackupFileIndex.OBJECT)) {
      throw Failures.of(FailureType.BACKUP_NOT_VALID, "backup " + meta.id()
          + ": backup.json names the file index '" + meta.fileIndex() + "', not "
          + BackupFileIndex.OBJECT);
    }
    String key = BaseBackupLayout.backupDir(instance, meta.id()) + BackupFileIndex.OBJECT;
    long size = store.stat(key).orElseThrow(() -> Failures.of(FailureType.BACKUP_NOT_VALID,
        "backup " + meta.id() + ": its file index " + key + " is missing from "
            + store.describe())).size();
    if (size > Integer.MAX_VALUE - 8) {
      throw Failures.of(FailureType.BACKUP_NOT_VALID, "backup " + meta.id() + ": its file index "
          + key + " is " + size + " bytes, not plausible");
    }
    return BackupFileIndex.read(store.readRange(key, 0, size), meta.objects().get(0).tarBytes());
  }

  /**
   * The delta keeps what is there: it must be a PostgreSQL data directory (or an empty one) of
   * a stopped cluster — WipeData's checks, for the step that takes its place.
   */
  static void refuseUnlessStoppedPostgres(HostStep ctx, Path pgdata) throws IOException {
    if (ctx.cluster().state() == ClusterState.RUNNING) {
      throw Failures.of(FailureType.RESTORE_REFUSED, "refusing a delta restore into " + pgdata
          + ": a postmaster is running on it; stop the cluster first");
    }
    if (!Files.isDirectory(pgdata, LinkOption.NOFOLLOW_LINKS)) {
      throw Failures.of(FailureType.RESTORE_REFUSED, "refusing a delta restore into " + pgdata
          + ": it is not a directory (a symbolic link or missing); check the instance's pgdata");
    }
    boolean empty;
    try (Stream<Path> entries = Files.list(pgdata)) {
      empty = entries.findAny().isEmpty();
    }
    if (!empty && !Files.exists(pgdata.resolve("PG_VERSION"), LinkOption.NOFOLLOW_LINKS)
        && !Files.isDirectory(pgdata.resolve("global"), LinkOption.NOFOLLOW_LINKS)) {
      throw Failures.of(FailureType.RESTORE_REFUSED, "refusing a delta restore into " + pgdata
          + ": it does not look like a PostgreSQL data directory (no PG_VERSION, no global);"
          + " check the instance's pgdata in the config");
    }
  }

  static String describe(BackupMeta meta, DeltaFetcher.Outcome delta, long thisAttempt,
      int attempt, String verified, long fetchMillis, long verifyMillis) {
    return String.format("delta restore of basebackup %s: %d files kept (%s%s), %d changed"
        + " and %d created (%d blocks, %s written), %d entries removed (%s);"
        + " downloaded %s, %d of %d chunks%s; %d WAL files; %s; compared in %.1f s,"
        + " fetched in %.1f s, verified in %.1f s", meta.id(), delta.filesKept(),
        Sizes.human(delta.bytesKept()), delta.unread().isEmpty() ? ""
            : "; " + delta.unread().size() + " of them, " + Sizes.human(delta.bytesUnread())
                + ", not read: unchanged since they held this backup",
        delta.filesChanged(), delta.filesCreated(),
        delta.blocksWritten(), Sizes.human(delta.bytesWritten()), delta.entriesRemoved(),
        Sizes.human(delta.bytesRemoved()), Sizes.human(thisAttempt),
        delta.chunksFetched(), delta.chunks(), attempt > 1 ? " (attempt " + attempt
            + ", a delta again against what the earlier attempt left)" : "",
        delta.walFiles(), verified, delta.compareMillis() / 1000.0,
        (fetchMillis - delta.compareMillis()) / 1000.0, verifyMillis / 1000.0);
  }
}
