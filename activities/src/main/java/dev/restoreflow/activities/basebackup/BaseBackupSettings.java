package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.engine.BadSettingException;
import dev.restoreflow.activities.storage.ObjectStoreSettingsCheck;
import java.util.Map;

/** Checks an instance's {@code basebackup} block and names the bad key. */
public final class BaseBackupSettings {

  private BaseBackupSettings() {}

  public static BaseBackupConfig validate(String key, BaseBackupConfig b) {
    if (b == null) {
      throw new BadSettingException(key, "is required for engine basebackup: {\"repository\":"
          + " \"s3://bucket/prefix\" or \"file:///dir\", ...}");
    }
    ObjectStoreSettingsCheck.check(key, b);
    if (!BaseBackupConfig.COMPRESSIONS.contains(b.compression())) {
      throw new BadSettingException(key + ".compression", "'" + b.compression() + "' is not one of "
          + BaseBackupConfig.COMPRESSIONS);
    }
    range(key + ".parallelDownloads", b.parallelDownloads(), 1, 64);
    for (Map.Entry<String, String> setting : b.settings().entrySet()) {
      String name = setting.getKey();
      String value = setting.getValue();
      if (!RecoverySettings.isSettingName(name)) {
        throw new BadSettingException(key + ".settings", "'" + name
            + "' is not a PostgreSQL setting"
            + " name (letters, digits and _, or extension.name)");
      }
      if (value == null || value.length() > 1024 || !RecoverySettings.isOneLineValue(value)) {
        throw new BadSettingException(key + ".settings." + name,
            "must be a one-line value of at most"
            + " 1024 characters, without line breaks, NUL or other control characters (quotes"
            + " and backslashes are fine: they are written as ALTER SYSTEM writes them)");
      }
    }
    return b;
  }

  private static void range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new BadSettingException(key, "must be " + min + "-" + max);
    }
  }
}
