package dev.restoreflow.activities.probackup;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * pg_probackup backup ids: the backup's start time in Unix seconds, base36, upper case. Every
 * time from 1971 to 2038 gives exactly six characters.
 */
public final class BackupIds {

  private static final Pattern ID = Pattern.compile("[0-9A-Z]{6}");

  private BackupIds() {}

  public static boolean isValid(String id) {
    return id != null && ID.matcher(id.toUpperCase(Locale.ROOT)).matches();
  }

  /** The id in canonical (upper) case; pg_probackup reads ids case-insensitively. */
  public static String normalize(String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException("'" + id + "' is not a pg_probackup backup id"
          + " (six characters of 0-9 and A-Z, e.g. SCUN1Q)");
    }
    return id.toUpperCase(Locale.ROOT);
  }
}
