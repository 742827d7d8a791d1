package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.archive.ConfinedDirectory;
import dev.restoreflow.workflows.model.RecoveryTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a restored basebackup cluster gets in postgresql.auto.conf: archive recovery from the WAL
 * FetchS3 put into pg_wal, the recovery target, archiving off, and the configured overrides.
 */
public final class RecoverySettings {

  private static final Pattern XID = Pattern.compile("[0-9]{1,20}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.: -]{1,64}");
  /** A parameter name in PostgreSQL's configuration files (ASCII): a_b, or ext.a_b. */
  private static final Pattern SETTING_NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
  private static final DateTimeFormatter PG_TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd[ ]['T']HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
      .appendPattern("[XXX][XX][X]")
      .toFormatter();

  private RecoverySettings() {}

  /** The target time as an instant; PostgreSQL's and ISO forms, with a zone. */
  public static Instant parseTime(String time) {
    try {
      return OffsetDateTime.parse(time.trim(), PG_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("recovery target time '" + time + "' is not a time with"
          + " a zone, e.g. 2026-11-23 09:15:00+00");
    }
  }

  /** @throws IllegalArgumentException for a target that cannot be passed on safely */
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
    if (target.lsn() != null) {
      WalNames.parse(target.lsn());
    }
    if (target.xid() != null && !XID.matcher(target.xid()).matches()) {
      throw new IllegalArgumentException("recovery target xid '" + target.xid() + "' is not a number");
    }
    if (target.name() != null && !NAME.matcher(target.name()).matches()) {
      throw new IllegalArgumentException("recovery target name '" + target.name()
          + "' must be 1-64 of letters, digits, _ . : - and spaces");
    }
  }

  private static final Pattern RECOVERY_SETTING = Pattern.compile(
      "\\s*(restore_command|recovery_target\\w*|recovery_end_command|archive_cleanup_command)"
          + "\\s*=.*");

  /**
   * postgresql.auto.conf as it comes out of the backup with the recovery settings of any earlier
   * restore commented out: a cluster restored to a point in time keeps its recovery_target_time
   * in this file, and its later backups would recover to that old point otherwise.
   */
  public static String withoutEarlierRecovery(String autoConf, String backupId) {
    StringBuilder out = new StringBuilder();
    for (String line : autoConf.split("\n", -1)) {
      if (RECOVERY_SETTING.matcher(line).matches()) {
        out.append("# removed by restoreflow (restore of ").append(backupId).append("): ");
      }
      out.append(line).append('\n');
    }
    return out.substring(0, out.length() - 1);
  }

  /** A parameter name postgresql.auto.conf can hold, as ALTER SYSTEM would write it. */
  public static boolean isSettingName(String name) {
    return name != null && SETTING_NAME.matcher(name).matches();
  }

  /**
   * A value that fits in one quoted string of postgresql.auto.conf: no line break or NUL (ALTER
   * SYSTEM refuses a newline too), nor any other control character.
   */
  public static boolean isOneLineValue(String value) {
    return value != null && value.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
  }

  /**
   * Writes the recovery settings into the restored data directory: postgresql.auto.conf (an
   * earlier restore's recovery settings commented out, then {@link #autoConf}) and
   * recovery.signal, owned like the data, never through a link.
   */
  public static void write(ConfinedDirectory data, String backupId, RecoveryTarget target,
      boolean keepArchiving, Map<String, String> overrides) throws IOException {
    Path autoConf = data.resolve("postgresql.auto.conf");
    String existing = data.readIfPresent(autoConf);
    data.writeString(autoConf, withoutEarlierRecovery(existing, backupId)
        + autoConf(backupId, target, keepArchiving, overrides));
    data.writeString(data.resolve("recovery.signal"), "");
  }

  /** The lines appended to postgresql.auto.conf. */
  public static String autoConf(String backupId, RecoveryTarget target, boolean keepArchiving,
      Map<String, String> overrides) {
    StringBuilder conf = new StringBuilder("\n# restoreflow: restore of basebackup ")
        .append(backupId).append('\n')
        // WAL is already in pg_wal (FetchS3 prefetched it); archive recovery reads it from there
        .append("restore_command = 'false'\n");
    if (target != null && !target.isEmpty()) {
      if (target.time() != null) {
        line(conf, "recovery_target_time", target.time());
      } else if (target.lsn() != null) {
        line(conf, "recovery_target_lsn", target.lsn());
      } else if (target.xid() != null) {
        line(conf, "recovery_target_xid", target.xid());
      } else {
        line(conf, "recovery_target_name", target.name());
      }
      line(conf, "recovery_target_action", "promote");
    }
    if (!keepArchiving) {
      conf.append("# a restored cluster does not archive into the source's archive\n");
      line(conf, "archive_mode", "off");
    }
    overrides.forEach((name, value) -> line(conf, name, value));
    return conf.toString();
  }

  private static void line(StringBuilder conf, String name, String value) {
    if (!isSettingName(name) || !isOneLineValue(value)) {
      throw new IllegalArgumentException("setting '" + name + "' cannot be written into"
          + " postgresql.auto.conf: a parameter name and a one-line value are needed");
    }
    conf.append(name).append(" = ").append(quoted(value)).append('\n');
  }

  /**
   * A value as ALTER SYSTEM writes it (PostgreSQL's escape_single_quotes_ascii): in single
   * quotes, each quote and each backslash doubled. The file's reader takes a backslash as the
   * start of an escape (\b, \n, \', ...), so an undoubled one changes or breaks the value.
   */
  static String quoted(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }
}
