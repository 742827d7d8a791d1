package dev.restoreflow.activities.mysqltables;

import dev.restoreflow.activities.engine.BackupNames;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The archives' names, the seed's form {@code YYYY-MM-DD_HH-MM-SS-backup.7z} (UTC): a backup's id
 * is its archive's file name. An attempt builds under a hidden {@code .partial-} name first.
 */
final class ArchiveNames {

  static final Pattern FORM =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}-backup\\.7z");
  static final String PARTIAL_PREFIX = ".partial-";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss");
  private static final String SUFFIX = "-backup.7z";

  private ArchiveNames() {}

  static String of(Instant time) {
    return STAMP.format(time.atOffset(ZoneOffset.UTC)) + SUFFIX;
  }

  static boolean isArchiveName(String name) {
    return name != null && FORM.matcher(name).matches() && timeOf(name) != null;
  }

  /** @throws IllegalArgumentException saying which form archive names have */
  static String check(String name) {
    if (!isArchiveName(name)) {
      throw new IllegalArgumentException("archive name " + BackupNames.shown(name) + " is not of"
          + " the form YYYY-MM-DD_HH-MM-SS-backup.7z (UTC), e.g. 2021-11-28_17-59-19-backup.7z");
    }
    return name;
  }

  /** The moment a name stands for; null when it is no real date and time. */
  static Instant timeOf(String name) {
    try {
      return LocalDateTime.parse(name.substring(0, name.length() - SUFFIX.length()), STAMP)
          .toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
      return null;
    }
  }

  /** The hidden name an attempt builds {@code name} under (a directory, and the archive + .7z). */
  static String partial(String name) {
    return PARTIAL_PREFIX + name;
  }
}
