package dev.restoreflow.worker.gateway;

import dev.restoreflow.activities.basebackup.BaseBackupLayout;
import dev.restoreflow.activities.engine.BackupIds;
import dev.restoreflow.worker.config.ConfigLoader;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The grammar of seed 000's bot, exactly: comma-separated {@code key=value} items, white space
 * around items ignored, keys {@code db_instance} (required), {@code db_host}, {@code backup_id},
 * the bare flag {@code incremental} (and {@code token=...} when the gateway wants one); plus
 * {@code status <job id>} and {@code queue [host]}. Pure: it checks form, not the config.
 */
public final class LineParser {

  private static final Set<String> KEYS = Set.of("db_instance", "db_host", "backup_id", "token");
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
  private static final Pattern TOKEN = Pattern.compile("[!-~]{1,256}");

  private LineParser() {}

  public static LineCommand parse(String raw) {
    String line = raw.strip();
    if (line.isEmpty()) {
      return invalid(GatewayError.EMPTY, "empty line; send e.g. db_instance=main1");
    }
    if (line.indexOf('\0') >= 0) {
      return invalid(GatewayError.NUL_BYTE, "the line contains a NUL byte");
    }
    if (line.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
      return invalid(GatewayError.BAD_CHARACTER, "the line contains control characters");
    }
    String[] words = line.split("[ \\t]+");
    String first = words[0].toLowerCase(Locale.ROOT);
    if (first.equals("status")) {
      if (words.length != 2 || !JOB_ID.matcher(words[1]).matches()) {
        return invalid(GatewayError.BAD_COMMAND, "usage: status <job id>");
      }
      return new LineCommand.Status(words[1]);
    }
    if (first.equals("queue")) {
      if (words.length > 2 || (words.length == 2 && !ConfigLoader.NAME.matcher(words[1]).matches())) {
        return invalid(GatewayError.BAD_COMMAND, "usage: queue [host]");
      }
      return new LineCommand.Queue(words.length == 2 ? words[1] : null);
    }
    return restore(line);
  }

  private static LineCommand restore(String line) {
    Map<String, String> values = new HashMap<>();
    boolean incremental = false;
    for (String rawItem : line.split(",", -1)) {
      String item = rawItem.strip();
      if (item.isEmpty()) {
        return invalid(GatewayError.BAD_ITEM, "empty item; items are separated by single commas");
      }
      int eq = item.indexOf('=');
      if (eq < 0) {
        if (!item.equals("incremental")) {
          return invalid(GatewayError.UNKNOWN_KEY, "unknown item '" + shorten(item)
              + "'; known: db_instance, db_host, backup_id, incremental");
        }
        if (incremental) {
          return invalid(GatewayError.REPEATED_KEY, "incremental is given twice");
        }
        incremental = true;
        continue;
      }
      String key = item.substring(0, eq).strip();
      String value = item.substring(eq + 1).strip();
      if (!KEYS.contains(key)) {
        return invalid(GatewayError.UNKNOWN_KEY, "unknown key '" + shorten(key)
            + "'; known: db_instance, db_host, backup_id, incremental");
      }
      if (values.containsKey(key)) {
        return invalid(GatewayError.REPEATED_KEY, key + " is given twice");
      }
      if (value.isEmpty()) {
        return invalid(GatewayError.BAD_ITEM, key + " has no value");
      }
      values.put(key, value);
    }
    String instance = values.get("db_instance");
    if (instance == null) {
      return invalid(GatewayError.MISSING_INSTANCE, "db_instance is required, e.g. db_instance=main1");
    }
    if (!ConfigLoader.NAME.matcher(instance).matches()) {
      return invalid(GatewayError.BAD_NAME, "db_instance '" + shorten(instance) + "' is not a name");
    }
    String host = values.get("db_host");
    if (host != null && !ConfigLoader.NAME.matcher(host).matches()) {
      return invalid(GatewayError.BAD_NAME, "db_host '" + shorten(host) + "' is not a name");
    }
    String backupId = values.get("backup_id");
    if (backupId != null && !BackupIds.isValid(backupId) && !BaseBackupLayout.isValidId(backupId)) {
      return invalid(GatewayError.BAD_BACKUP_ID, "backup_id '" + shorten(backupId)
          + "' is not a backup id (pg_probackup: six characters of 0-9 and A-Z, e.g. SSCOAD;"
          + " basebackup: its UTC start, e.g. 20261123T091500Z)");
    }
    String token = values.get("token");
    if (token != null && !TOKEN.matcher(token).matches()) {
      return invalid(GatewayError.BAD_TOKEN, "the token is not valid");
    }
    return new LineCommand.Restore(instance, host,
        backupId == null || !BackupIds.isValid(backupId) ? backupId
            : BackupIds.normalize(backupId), incremental, token);
  }

  private static LineCommand invalid(String code, String reason) {
    return new LineCommand.Invalid(new GatewayError(code, reason));
  }

  /** Echoes of client input stay short and printable. */
  private static String shorten(String text) {
    String printable = text.replaceAll("[^\\x20-\\x7E]", "?");
    return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
  }
}
