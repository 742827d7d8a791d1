package dev.restoreflow.activities.mysqltables;

import dev.restoreflow.activities.engine.BadSettingException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Checks an instance's {@code mysqltables} block and names the bad key. */
final class MysqlTablesSettings {

  /** Database names restoreflow works on: no quoting games, room for {@code _restoreflow}. */
  static final Pattern DATABASE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,39}");
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.@-]{1,80}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9:][A-Za-z0-9.:-]{0,252}");
  private static final Pattern ENV = Pattern.compile("[A-Z_][A-Z0-9_]{0,63}");

  private MysqlTablesSettings() {}

  static MysqlTablesConfig check(String key, MysqlTablesConfig c) {
    if (c == null) {
      throw new BadSettingException(key, "is required for engine mysqltables: {\"archiveDir\":"
          + " \"/opt/backups\", \"database\": \"shop\", \"user\": \"backup\","
          + " \"passwordEnv\": \"SHOP_DB_PASSWORD\"}");
    }
    directory(key + ".archiveDir", c.archiveDir());
    if (c.database() == null || !DATABASE.matcher(c.database()).matches()) {
      throw new BadSettingException(key + ".database", "'" + c.database() + "' is not a database"
          + " name restoreflow works on (letters, digits, _; at most 40; not starting with a"
          + " digit)");
    }
    if (c.user() == null || !USER.matcher(c.user()).matches()) {
      throw new BadSettingException(key + ".user", "the account to log in as is required"
          + " (letters, digits, _ . @ -)");
    }
    if (!HOST.matcher(c.host()).matches()) {
      throw new BadSettingException(key + ".host", "'" + c.host() + "' is not a host name or"
          + " address");
    }
    if (c.port() < 1 || c.port() > 65535) {
      throw new BadSettingException(key + ".port", "must be 1-65535");
    }
    if (c.socket() != null) {
      absolute(key + ".socket", c.socket());
    }
    if (c.passwordEnv() != null && !ENV.matcher(c.passwordEnv()).matches()) {
      throw new BadSettingException(key + ".passwordEnv", "must NAME an environment variable"
          + " (A-Z, 0-9, _) that holds the password, never the password itself");
    }
    absolute(key + ".binDir", c.binDir());
    absolute(key + ".sevenZip", c.sevenZip());
    if (c.compressLevel() < 0 || c.compressLevel() > 9) {
      throw new BadSettingException(key + ".compressLevel", "must be 0-9");
    }
    return c;
  }

  private static void directory(String key, String dir) {
    absolute(key, dir);
    if (Path.of(dir).getNameCount() < 1) {
      throw new BadSettingException(key, "must not be /");
    }
  }

  private static void absolute(String key, String path) {
    if (path == null || !path.startsWith("/") || path.contains("\0")
        || !Path.of(path).normalize().toString().equals(path.replaceAll("/+$", ""))) {
      throw new BadSettingException(key, "must be an absolute, normalized path (got "
          + (path == null ? "nothing" : "'" + path + "'") + ")");
    }
  }
}
