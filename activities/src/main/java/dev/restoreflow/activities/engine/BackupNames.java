package dev.restoreflow.activities.engine;

import java.util.regex.Pattern;

/**
 * The names a user gives a backup ({@code backup --name}) and the sub-directory of the
 * repository it goes to ({@code --dir}). Each becomes one segment of an object key and of a
 * path on disk, so each is one plain segment: no {@code /}, no {@code ..}, nothing a shell or a
 * file system reads specially.
 */
public final class BackupNames {

  /** A letter or digit first, then letters, digits, {@code _ - .}; at most 64 characters. */
  public static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private static final String RULE = "letters, digits, _ - . only, starting with a letter or"
      + " digit, no '..', at most 64 characters";

  private BackupNames() {}

  /** @throws IllegalArgumentException saying what a backup name may be */
  public static String checkName(String name) {
    return check("backup name", name, " (it becomes the backup's id and directory)");
  }

  /** @throws IllegalArgumentException saying what a directory may be */
  public static String checkDir(String dir) {
    return check("directory", dir, " (one sub-directory of the instance's repository,"
        + " relative)");
  }

  public static boolean isName(String text) {
    return text != null && SEGMENT.matcher(text).matches() && !text.contains("..");
  }

  private static String check(String what, String value, String why) {
    if (!isName(value)) {
      throw new IllegalArgumentException(what + " " + shown(value) + " is not allowed: " + RULE
          + why);
    }
    return value;
  }

  /** The value for a message: never raw bytes a client sent. */
  public static String shown(String value) {
    if (value == null) {
      return "(none)";
    }
    String printable = value.replaceAll("[^A-Za-z0-9_.,:/ -]", "?");
    return "'" + (printable.length() > 70 ? printable.substring(0, 70) + "..." : printable) + "'";
  }
}
