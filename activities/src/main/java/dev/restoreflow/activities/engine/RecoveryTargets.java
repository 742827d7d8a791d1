package dev.restoreflow.activities.engine;

import dev.restoreflow.workflows.model.RecoveryTarget;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.regex.Pattern;

/**
 * The one check of a recovery target, for every engine and every way in: exactly one of a time
 * with a zone, an LSN, a transaction id or a restore point name, each of the form PostgreSQL
 * takes and safe to pass on as one argument or one quoted setting.
 */
public final class RecoveryTargets {

  private static final Pattern LSN = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");
  private static final Pattern XID = Pattern.compile("[0-9]{1,20}");
  /** PostgreSQL keeps 63 bytes of a restore point's name. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.: -]{1,63}");
  private static final DateTimeFormatter PG_TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd[ ]['T']HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
      .appendPattern("[XXX][XX][X]")
      .toFormatter();

  private RecoveryTargets() {}

  /** @throws IllegalArgumentException saying what is wrong and what would do */
  public static void check(RecoveryTarget target) {
    if (target == null || target.isEmpty()) {
      return;
    }
    int set = (target.time() != null ? 1 : 0) + (target.lsn() != null ? 1 : 0)
        + (target.xid() != null ? 1 : 0) + (target.name() != null ? 1 : 0);
    if (set > 1) {
      throw new IllegalArgumentException("give one recovery target: time, lsn, xid or name");
    }
    if (target.time() != null) {
      parseTime(target.time());
    }
    if (target.lsn() != null && !LSN.matcher(target.lsn()).matches()) {
      throw new IllegalArgumentException("recovery target lsn '" + target.lsn()
          + "' is not an LSN, e.g. 0/3000060");
    }
    if (target.xid() != null && !XID.matcher(target.xid()).matches()) {
      throw new IllegalArgumentException("recovery target xid '" + target.xid()
          + "' is not a number");
    }
    if (target.name() != null && !NAME.matcher(target.name()).matches()) {
      throw new IllegalArgumentException("recovery target name '" + target.name()
          + "' must be 1-63 of letters, digits, _ . : - and spaces");
    }
  }

  /** The target time as an instant; PostgreSQL's and ISO forms, with a zone. */
  public static Instant parseTime(String time) {
    try {
      return OffsetDateTime.parse(time.trim(), PG_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("recovery target time '" + time + "' is not a time with"
          + " a zone, e.g. 2026-11-23 09:15:00+00");
    }
  }
}
