package dev.restoreflow.activities.basebackup;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Where an instance's objects live in its repository:
 * <pre>
 * &lt;instance&gt;/backups/&lt;id&gt;/base.tar[.gz|.zst|.lz4]   pg_basebackup -Ft, backup_manifest and WAL inside
 * &lt;instance&gt;/backups/&lt;id&gt;/pg_wal.tar[.gz]            (backups made with a WAL tarball, e.g. ODO's)
 * &lt;instance&gt;/backups/&lt;id&gt;/backup.json               written last; see {@link BackupMeta}
 * &lt;instance&gt;/wal/&lt;segment or .history file&gt;             archived by restoreflow wal-push
 * </pre>
 * Backup ids are the UTC start time, {@code 20261123T091500Z}, so they sort by age.
 */
public final class BaseBackupLayout {

  public static final Pattern BACKUP_ID = Pattern.compile("[0-9]{8}T[0-9]{6}Z");
  /** WAL segments, their .partial and .backup files, and timeline history files. */
  public static final Pattern WAL_FILE = Pattern.compile(
      "[0-9A-F]{24}(\\.partial|\\.[0-9A-F]{8}\\.backup)?|[0-9A-F]{8}\\.history");
  public static final String META = "backup.json";

  private static final DateTimeFormatter ID_FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private BaseBackupLayout() {}

  public static String newBackupId(Instant now) {
    return ID_FORMAT.format(now);
  }

  public static String backupsPrefix(String instance) {
    return instance + "/backups/";
  }

  public static String backupDir(String instance, String backupId) {
    return backupsPrefix(instance) + checkId(backupId) + "/";
  }

  public static String meta(String instance, String backupId) {
    return backupDir(instance, backupId) + META;
  }

  public static String walPrefix(String instance) {
    return instance + "/wal/";
  }

  public static String wal(String instance, String walFile) {
    if (walFile == null || !WAL_FILE.matcher(walFile).matches()) {
      throw new IllegalArgumentException("'" + walFile + "' is not a WAL file name");
    }
    return walPrefix(instance) + walFile;
  }

  /** The form of basebackup ids: the backup's start in UTC, {@code 20261123T091500Z}. */
  public static boolean isValidId(String backupId) {
    return backupId != null && BACKUP_ID.matcher(backupId).matches();
  }

  public static String checkId(String backupId) {
    if (!isValidId(backupId)) {
      throw new IllegalArgumentException("backup id '" + backupId + "' is not of the form"
          + " 20261123T091500Z");
    }
    return backupId;
  }
}
