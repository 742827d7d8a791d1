package dev.restoreflow.worker;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.RestoreflowConfig;

/** The commands that work on basebackup repositories accept only basebackup instances. */
final class BaseBackupInstances {

  private BaseBackupInstances() {}

  static InstanceConfig require(RestoreflowConfig config, String name) {
    InstanceConfig instance = config.requireInstance(name);
    if (!InstanceConfig.BASEBACKUP.equals(instance.engine())) {
      throw new IllegalArgumentException("instance '" + name + "' uses engine " + instance.engine()
          + "; this command is for basebackup instances");
    }
    return instance;
  }
}
