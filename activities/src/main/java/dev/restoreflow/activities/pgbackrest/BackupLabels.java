package dev.restoreflow.activities.pgbackrest;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * pgBackRest's backup labels: a full backup {@code YYYYMMDD-HHMMSSF}; a differential or
 * incremental one its full backup's label, {@code _}, and its own start time with {@code D} or
 * {@code I}.
 */
public final class BackupLabels {

  private static final String STAMP = "\\d{8}-\\d{6}";
  private static final Pattern LABEL =
      Pattern.compile(STAMP + "F(_" + STAMP + "[DI])?");

  private BackupLabels() {}

  public static boolean isValid(String label) {
    return label != null && LABEL.matcher(label.toUpperCase(Locale.ROOT)).matches();
  }

  /** The label as pgBackRest writes it (the type letters upper case). */
  public static String normalize(String label) {
    if (!isValid(label)) {
      throw new IllegalArgumentException("'" + label + "' is not a pgBackRest backup label"
          + " (YYYYMMDD-HHMMSSF for a full backup, e.g. 20261129-163035F; a diff or incr backup"
          + " adds _YYYYMMDD-HHMMSSD or _YYYYMMDD-HHMMSSI)");
    }
    return label.toUpperCase(Locale.ROOT);
  }
}
