package dev.restoreflow.worker;

import dev.restoreflow.activities.basebackup.BaseBackupLayout;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.BackupIds;

/** A --backup-id as the instance's engine spells its ids. */
public final class BackupIdArgument {

  private BackupIdArgument() {}

  /** @return null for null; @throws IllegalArgumentException for an id of the wrong form */
  public static String normalize(InstanceConfig instance, String backupId) {
    if (backupId == null) {
      return null;
    }
    if (InstanceConfig.BASEBACKUP.equals(instance.engine())) {
      return BaseBackupLayout.checkId(backupId);
    }
    return BackupIds.normalize(backupId);
  }
}
