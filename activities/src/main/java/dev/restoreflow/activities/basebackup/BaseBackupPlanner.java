package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.engine.Engine.RoomCheck;
import dev.restoreflow.activities.engine.RecoveryTargets;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.StoredObject;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.RecoveryTarget;
import dev.restoreflow.workflows.model.RestorePlan;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * PlanRestore of a basebackup instance: the backup (given, newest, or newest before the target),
 * every one of its objects present with the size backup.json records, and the data directory's
 * file system with room for it. One listing of the instance's backups answers both the choice and
 * the objects' sizes; backup.json files this worker has read before are not read again.
 */
final class BaseBackupPlanner {

  private BaseBackupPlanner() {}

  static RestorePlan plan(HostStep step, PlanInput input, RoomCheck room, BackupMetaCache cache) {
    String instance = step.instanceName();
    BaseBackupEngine.requireLocalHost(step);
    RecoveryTarget target = input.recoveryTarget();
    Instant beforeTime = target != null && target.time() != null
        ? RecoveryTargets.parseTime(target.time()) : null;
    Long beforeLsn = target != null && target.lsn() != null ? WalNames.parse(target.lsn()) : null;
    try (ObjectStore store = BaseBackupEngine.open(step)) {
      BaseBackupCatalog.Listing listing = new BaseBackupCatalog(store, instance, cache).listing();
      List<BackupMeta> backups = listing.backups();
      BackupMeta backup;
      try {
        backup = BaseBackupCatalog.choose(backups, input.backupId(), beforeTime, beforeLsn);
      } catch (NoSuchBackupException e) {
        throw Failures.of(input.backupId() != null ? FailureType.BACKUP_NOT_FOUND
            : FailureType.NO_VALID_BACKUP, e.getMessage() + " (" + store.describe() + ")");
      }
      checkObjects(listing, store, instance, backup);
      if (input.incremental()) {
        DeltaRestores.requireIndex(listing, instance, backup);
      }
      long need = backup.tarBytes() > 0 ? backup.tarBytes() : backup.storedBytes() * 4;
      long available = room.available(backup.id(), need);
      return new RestorePlan(instance, step.host(), BaseBackupEngine.NAME, backup.id(),
          "basebackup " + backup.compression(), Instant.ofEpochMilli(backup.finishedAt()).toString(),
          List.of(backup.id()), need, available, step.instance().pgdata(),
          new BaseBackupEngine().restoreSteps(input.incremental(),
              Boolean.TRUE.equals(input.full())))
          .withSource(source(step, instance, backup));
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "PlanRestore: " + e.getMessage());
    }
  }

  /** "s3://bucket/prefix/main1/backups/ID/base.tar.zst" (" and n more" when there are more). */
  static String source(HostStep step, String instance, BackupMeta backup) {
    String repository = step.instance().settings(BaseBackupConfig.class).repository()
        .replaceAll("/+$", "");
    String first = backup.objects().isEmpty() ? "" : backup.objects().get(0).name();
    int more = backup.objects().size() - 1;
    return repository + "/" + BaseBackupLayout.backupDir(instance, backup.id()) + first
        + (more > 0 ? " and " + more + " more" : "");
  }

  /** Every object of the backup is in the repository with the size backup.json records. */
  static void checkObjects(ObjectStore store, String instance, BackupMeta backup)
      throws IOException {
    for (BackupObject object : backup.objects()) {
      String key = BaseBackupLayout.backupDir(instance, backup.id()) + object.name();
      checkSize(store, backup, object, key, store.stat(key).map(StoredObject::size));
    }
  }

  /** The same, by the sizes of a listing of the instance's backups: no request per object. */
  static void checkObjects(BaseBackupCatalog.Listing listing, ObjectStore store, String instance,
      BackupMeta backup) {
    for (BackupObject object : backup.objects()) {
      String key = BaseBackupLayout.backupDir(instance, backup.id()) + object.name();
      checkSize(store, backup, object, key, listing.size(key));
    }
  }

  private static void checkSize(ObjectStore store, BackupMeta backup, BackupObject object,
      String key, Optional<Long> stored) {
    if (stored.isEmpty() || stored.get() != object.size()) {
      throw Failures.of(FailureType.BACKUP_NOT_VALID, "backup " + backup.id() + ": object "
          + key + " is " + stored.map(s -> s + " bytes").orElse("missing")
          + ", backup.json says " + object.size() + " bytes (" + store.describe() + ")");
    }
  }
}
