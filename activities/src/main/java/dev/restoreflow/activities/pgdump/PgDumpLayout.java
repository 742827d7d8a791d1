package dev.restoreflow.activities.pgdump;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Where an instance's dumps live in its repository:
 * <pre>
 * &lt;instance&gt;/pgdump/&lt;id&gt;/dump.pgdump  pg_dump -Fc: the schema, the data it holds
 * &lt;instance&gt;/pgdump/&lt;id&gt;/meta.json    written last: see {@link DumpMeta}
 * </pre>
 * Backup ids are the UTC start time, {@code 20261129T231500Z}, so they sort by age.
 */
final class PgDumpLayout {

  static final Pattern BACKUP_ID = Pattern.compile("[0-9]{8}T[0-9]{6}Z");
  static final String DUMP = "dump.pgdump";
  static final String META = "meta.json";

  private static final DateTimeFormatter ID_FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private PgDumpLayout() {}

  static String newBackupId(Instant now) {
    return ID_FORMAT.format(now);
  }

  static String prefix(String instance) {
    return instance + "/pgdump/";
  }

  static String dir(String instance, String backupId) {
    return prefix(instance) + checkId(backupId) + "/";
  }

  static String dump(String instance, String backupId) {
    return dir(instance, backupId) + DUMP;
  }

  static String meta(String instance, String backupId) {
    return dir(instance, backupId) + META;
  }

  /** @throws IllegalArgumentException saying which form the ids have */
  static String checkId(String backupId) {
    if (backupId == null || !BACKUP_ID.matcher(backupId).matches()) {
      throw new IllegalArgumentException("'" + backupId + "' is not a pgdump backup id (the UTC"
          + " start time, e.g. 20261129T231500Z; see restoreflow backups)");
    }
    return backupId;
  }
}
