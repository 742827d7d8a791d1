package dev.restoreflow.worker.nats;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;

/**
 * The seed's archive names: {@code YYYY-MM-DD_HH-MM-SS-backup.7z}, the UTC second the backup
 * was asked for. Each name issued is unique in this process: a request in a second that already
 * has a name gets the next free second. Several servers on the same subjects each keep their own
 * last name, so two of them may promise the same name in the same second; the engine refuses to
 * write a name that exists, and that job fails instead of overwriting the other's archive.
 */
public final class ArchiveNames {

  static final String SUFFIX = "-backup.7z";
  private static final DateTimeFormatter SECOND = DateTimeFormatter
      .ofPattern("uuuu-MM-dd_HH-mm-ss").withResolverStyle(ResolverStyle.STRICT);

  private Instant lastIssued = Instant.EPOCH;

  /** A new name for a backup asked for at {@code now}: never one this object issued before. */
  public synchronized String next(Instant now) {
    Instant second = now.truncatedTo(ChronoUnit.SECONDS);
    if (!second.isAfter(lastIssued)) {
      second = lastIssued.plusSeconds(1);
    }
    lastIssued = second;
    return SECOND.format(LocalDateTime.ofInstant(second, ZoneOffset.UTC)) + SUFFIX;
  }

  /** Whether {@code name} is of the promised form, with a real date and time. */
  public static boolean isArchiveName(String name) {
    if (name == null || name.length() != 19 + SUFFIX.length() || !name.endsWith(SUFFIX)) {
      return false;
    }
    String stamp = name.substring(0, 19);
    if (!stamp.matches("\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}")) {
      return false;
    }
    try {
      LocalDateTime.parse(stamp, SECOND);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
