package dev.restoreflow.activities;

import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BackupObject;
import dev.restoreflow.activities.basebackup.BaseBackupCatalog;
import dev.restoreflow.activities.basebackup.BaseBackupLayout;
import dev.restoreflow.activities.basebackup.RecoverySettings;
import dev.restoreflow.activities.basebackup.WalNames;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.RestoreflowConfig;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import dev.restoreflow.activities.storage.StoredObject;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.RecoveryTarget;
import dev.restoreflow.workflows.model.RestorePlan;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * PlanRestore of a basebackup instance: the backup (given, newest, or newest before the target),
 * every one of its objects present with the size backup.json records, and the data directory's
 * file system with room for it.
 */
final class BaseBackupPlanner {

  private final RestoreflowConfig config;
  private final Function<String, String> environment;

  BaseBackupPlanner(RestoreflowConfig config, Function<String, String> environment) {
    this.config = config;
    this.environment = environment;
  }

  /** The host's disk check: bytes available for a backup that needs {@code need}, or a failure. */
  interface RoomCheck {
    long available(String backupId, long need);
  }

  RestorePlan plan(InstanceContext ctx, PlanInput input, RoomCheck room) {
    String instance = input.step().instance();
    if (!HostConfig.LOCAL.equals(config.hosts().get(input.step().host()).kind())) {
      throw Failures.of(FailureType.CONFIG_ERROR, "basebackup restores need the host's worker on"
          + " the database host itself (host " + input.step().host() + " is reached over SSH)");
    }
    if (input.incremental()) {
      throw Failures.of(FailureType.INVALID_REQUEST, "basebackup restores are always full;"
          + " drop incremental");
    }
    RecoveryTarget target = input.recoveryTarget();
    Instant beforeTime = null;
    Long beforeLsn = null;
    try {
      RecoverySettings.check(target);
      if (target != null && target.time() != null) {
        beforeTime = RecoverySettings.parseTime(target.time());
      }
      if (target != null && target.lsn() != null) {
        beforeLsn = WalNames.parse(target.lsn());
      }
      if (input.backupId() != null) {
        BaseBackupLayout.checkId(input.backupId());
      }
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage());
    }
    try (ObjectStore store = ObjectStores.open(ctx.instance.basebackup(), environment)) {
      List<BackupMeta> backups = new BaseBackupCatalog(store, instance).backups();
      BackupMeta backup;
      try {
        backup = BaseBackupCatalog.choose(backups, input.backupId(), beforeTime, beforeLsn);
      } catch (IllegalStateException e) {
        throw Failures.of(input.backupId() != null ? FailureType.BACKUP_NOT_FOUND
            : FailureType.NO_VALID_BACKUP, e.getMessage() + " (" + store.describe() + ")");
      }
      for (BackupObject object : backup.objects()) {
        String key = BaseBackupLayout.backupDir(instance, backup.id()) + object.name();
        Optional<StoredObject> stored = store.stat(key);
        if (stored.isEmpty() || stored.get().size() != object.size()) {
          throw Failures.of(FailureType.BACKUP_NOT_VALID, "backup " + backup.id() + ": object "
              + key + " is " + stored.map(s -> s.size() + " bytes").orElse("missing")
              + ", backup.json says " + object.size() + " bytes (" + store.describe() + ")");
        }
      }
      long need = backup.tarBytes() > 0 ? backup.tarBytes() : backup.storedBytes() * 4;
      long available = room.available(backup.id(), need);
      return new RestorePlan(instance, input.step().host(), ctx.instance.engine(), backup.id(),
          "basebackup " + backup.compression(), Instant.ofEpochMilli(backup.finishedAt()).toString(),
          List.of(backup.id()), need, available, ctx.instance.pgdata());
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "PlanRestore: " + e.getMessage());
    }
  }
}
