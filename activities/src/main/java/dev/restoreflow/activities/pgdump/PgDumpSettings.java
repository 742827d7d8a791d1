package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.BadSettingException;
import dev.restoreflow.activities.storage.ObjectStoreSettingsCheck;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Checks an instance's {@code pgdump} block and names the bad key. */
final class PgDumpSettings {

  /** Database names restoreflow dumps: no quoting games, room for a dated suffix. */
  static final Pattern DATABASE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,35}");

  private PgDumpSettings() {}

  static PgDumpConfig check(String key, InstanceConfig instance, PgDumpConfig p) {
    if (p == null) {
      throw new BadSettingException(key, "is required for engine pgdump: {\"repository\":"
          + " \"s3://bucket/prefix\" or \"file:///dir\", ...}");
    }
    ObjectStoreSettingsCheck.check(key, p);
    String database = p.database() == null ? instance.database() : p.database();
    if (database == null || !DATABASE.matcher(database).matches()) {
      throw new BadSettingException(key + ".database", "'" + database + "' is not a database name"
          + " restoreflow dumps (letters, digits, _; at most 36; not starting with a digit)");
    }
    for (String excluded : p.excludeDatabases()) {
      if (excluded == null || !DATABASE.matcher(excluded).matches()) {
        throw new BadSettingException(key + ".excludeDatabases", "'" + excluded + "' is not a"
            + " database name restoreflow dumps");
      }
    }
    if (!p.excludeDatabases().isEmpty() && !p.allDatabases()) {
      throw new BadSettingException(key + ".excludeDatabases", "only applies with"
          + " \"allDatabases\": true");
    }
    range(key + ".compressLevel", p.compressLevel(), 0, 9);
    range(key + ".restoreJobs", p.restoreJobs(), 1, 64);
    range(key + ".maxFullAgeDays", p.maxFullAgeDays(), 0, 10000);
    range(key + ".maxIncrementals", p.maxIncrementals(), 0, 10000);
    Path staging = Path.of(p.stagingDir());
    if (!staging.isAbsolute() || staging.getNameCount() < 2
        || !staging.normalize().toString().equals(p.stagingDir().replaceAll("/+$", ""))) {
      throw new BadSettingException(key + ".stagingDir", "must be an absolute, normalized path at"
          + " least two levels below / (got '" + p.stagingDir() + "')");
    }
    PgDumpConfig checked = p.withDatabase(database);
    return p.target() == null ? checked : checked.withTarget(p.target().check(key + ".target"));
  }

  private static void range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new BadSettingException(key, "must be " + min + "-" + max);
    }
  }
}
