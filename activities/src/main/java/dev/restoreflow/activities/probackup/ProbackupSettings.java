package dev.restoreflow.activities.probackup;

import dev.restoreflow.activities.engine.BadSettingException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Checks an instance's {@code probackup} block and names the bad key. */
final class ProbackupSettings {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  private ProbackupSettings() {}

  /** @param key e.g. {@code instances.main1.probackup}; @param name the instance's name */
  static ProbackupConfig check(String key, String name, ProbackupConfig probackup) {
    if (probackup == null || probackup.catalog() == null) {
      throw new BadSettingException(key + ".catalog", "is required: pg_probackup's -B");
    }
    Path catalog = Path.of(probackup.catalog());
    if (!catalog.isAbsolute()
        || !catalog.normalize().toString().equals(probackup.catalog().replaceAll("/+$", ""))) {
      throw new BadSettingException(key + ".catalog", "must be an absolute, normalized path (got '"
          + probackup.catalog() + "')");
    }
    String catalogInstance = probackup.instance() == null ? name : probackup.instance();
    if (!NAME.matcher(catalogInstance).matches()) {
      throw new BadSettingException(key + ".instance", "'" + catalogInstance
          + "' is not a valid name (letters, digits, _ . -)");
    }
    if (probackup.threads() < 1 || probackup.threads() > 64) {
      throw new BadSettingException(key + ".threads", "must be 1-64");
    }
    String runOn = probackup.runOn();
    if (!ProbackupConfig.ON_DB_HOST.equals(runOn) && !ProbackupConfig.ON_WORKER.equals(runOn)) {
      throw new BadSettingException(key + ".runOn", "must be \"dbHost\" (pg_probackup on the"
          + " database host) or \"worker\" (catalog on the worker, --remote-host to the database"
          + " host)");
    }
    return new ProbackupConfig(probackup.binary(), catalog.normalize().toString(), catalogInstance,
        probackup.threads(), runOn);
  }
}
