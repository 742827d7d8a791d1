package dev.restoreflow.activities.pgdump;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The databases an every-database backup dumps: those that accept connections, templates,
 * {@code excludeDatabases} and restoreflow's own copies (a restore's {@code <db>_restoring} and
 * the {@code <db>_before_<time>} it kept) left out.
 */
final class ClusterDatabases {

  private static final Pattern RESTOREFLOWS_OWN =
      Pattern.compile(".*_(restoring|before_[0-9]{8}T[0-9]{6}(_[0-9]+)?)");

  private ClusterDatabases() {}

  /** @throws UnsupportedDatabaseException for a database whose name restoreflow cannot dump */
  static List<String> list(PsqlSession session, PgDumpConfig config) throws IOException {
    List<String> databases = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String hex : session.query("select encode(convert_to(datname, 'UTF8'), 'hex') from"
        + " pg_database where datallowconn and not datistemplate order by datname;")) {
      String name = new String(HexFormat.of().parseHex(hex.strip()), StandardCharsets.UTF_8);
      if (config.excludeDatabases().contains(name) || isRestoreflowsOwn(name)) {
        continue;
      }
      if (PgDumpSettings.DATABASE.matcher(name).matches()) {
        databases.add(name);
      } else {
        refused.add(name);
      }
    }
    if (!refused.isEmpty()) {
      throw new UnsupportedDatabaseException("the cluster has database(s) whose names"
          + " restoreflow does not dump (letters, digits, _; at most 36): " + String.join(", ",
              refused.stream().map(dev.restoreflow.activities.engine.BackupNames::shown).toList()) + "; rename them, or"
          + " leave them out with the pgdump block's \"excludeDatabases\"");
    }
    return databases;
  }

  static boolean isRestoreflowsOwn(String database) {
    return RESTOREFLOWS_OWN.matcher(database).matches();
  }

  /** A database the backup cannot take: a matter of configuration, not to be retried. */
  static final class UnsupportedDatabaseException extends IOException {
    UnsupportedDatabaseException(String message) {
      super(message);
    }
  }
}
