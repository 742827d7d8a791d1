package dev.restoreflow.worker.gateway;

import dev.restoreflow.worker.config.ConfigLoader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The grammar of seed 000's bot, exactly: comma-separated {@code key=value} items, white space
 * around items ignored, keys {@code db_instance} (required), {@code db_host}, {@code backup_id},
 * the bare flag {@code incremental} (and {@code token=...} when the gateway wants one); plus
 * restoreflow's bare flag {@code full} (a full restore where the engine's default is not);
 * {@code status <job id>} and {@code queue [host]}, each optionally followed by the item
 * {@code , token=...}. Pure: it checks form, not the config.
 */
public final class LineParser {

  /** What any engine's backup id looks like at most; the engine checks its own form. */
  private static final java.util.regex.Pattern BACKUP_ID_TOKEN =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");

  private static final Set<String> RESTORE_KEYS =
      Set.of("db_instance", "db_host", "backup_id", "token");
  private static final Set<String> COMMAND_KEYS = Set.of("token");
  private static final Set<String> RESTORE_FLAGS = Set.of("incremental", "full");
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
  private static final Pattern TOKEN = Pattern.compile("[!-~]{1,256}");
  /** RFC 9110's token: an HTTP method or header name. */
  private static final String HTTP_TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
  private static final Pattern HTTP_REQUEST_LINE =
      Pattern.compile(HTTP_TOKEN + " \\S+ HTTP/\\d(\\.\\d)?");
  private static final Pattern HTTP_HEADER = Pattern.compile(HTTP_TOKEN + ":.*");

  private LineParser() {}

  /** The form of a line is wrong: the error to answer with. */
  private static final class Invalid extends Exception {
    private final GatewayError error;

    Invalid(String code, String reason) {
      super(reason, null, false, false);
      this.error = new GatewayError(code, reason);
    }
  }

  /** The items of a line: values by key, and the bare flags ({@code incremental}, {@code full}). */
  private record Items(Map<String, String> values, Set<String> flags) {}

  public static LineCommand parse(String raw) {
    try {
      return command(raw.strip());
    } catch (Invalid invalid) {
      return new LineCommand.Invalid(invalid.error);
    }
  }

  private static LineCommand command(String line) throws Invalid {
    if (line.isEmpty()) {
      throw new Invalid(GatewayError.EMPTY, "empty line; send e.g. db_instance=main1");
    }
    if (line.indexOf('\0') >= 0) {
      throw new Invalid(GatewayError.NUL_BYTE, "the line contains a NUL byte");
    }
    if (line.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
      throw new Invalid(GatewayError.BAD_CHARACTER, "the line contains control characters");
    }
    if (HTTP_REQUEST_LINE.matcher(line).matches() || HTTP_HEADER.matcher(line).matches()) {
      throw new Invalid(GatewayError.NOT_PROTOCOL, "this is HTTP; the line gateway speaks the nc"
          + " protocol (one request per line, e.g. db_instance=main1) and closes now");
    }
    List<String> items = Arrays.asList(line.split(",", -1));
    String[] words = items.get(0).strip().split("[ \\t]+");
    String first = words[0].toLowerCase(Locale.ROOT);
    if (first.equals("status")) {
      if (words.length != 2 || !JOB_ID.matcher(words[1]).matches()) {
        throw new Invalid(GatewayError.BAD_COMMAND, "usage: status <job id>[, token=...]");
      }
      return new LineCommand.Status(words[1], token(commandItems(items, "status")));
    }
    if (first.equals("queue")) {
      if (words.length > 2 || (words.length == 2 && !ConfigLoader.NAME.matcher(words[1]).matches())) {
        throw new Invalid(GatewayError.BAD_COMMAND, "usage: queue [host][, token=...]");
      }
      return new LineCommand.Queue(words.length == 2 ? words[1] : null,
          token(commandItems(items, "queue")));
    }
    return restore(items(items, RESTORE_KEYS,
        "known: db_instance, db_host, backup_id, incremental, full"));
  }

  /** The items after {@code status JOB} or {@code queue HOST}: only a token. */
  private static Items commandItems(List<String> items, String command) throws Invalid {
    Items parsed = items(items.subList(1, items.size()), COMMAND_KEYS,
        command + " takes only token=...");
    if (!parsed.flags().isEmpty()) {
      throw new Invalid(GatewayError.UNKNOWN_KEY, command + " takes only token=...");
    }
    return parsed;
  }

  private static Items items(List<String> items, Set<String> keys, String known) throws Invalid {
    Map<String, String> values = new HashMap<>();
    Set<String> flags = new HashSet<>();
    for (String rawItem : items) {
      String item = rawItem.strip();
      if (item.isEmpty()) {
        throw new Invalid(GatewayError.BAD_ITEM, "empty item; items are separated by single commas");
      }
      int eq = item.indexOf('=');
      if (eq < 0) {
        if (!RESTORE_FLAGS.contains(item)) {
          throw new Invalid(GatewayError.UNKNOWN_KEY, "unknown item '" + shorten(item) + "'; "
              + known);
        }
        if (!flags.add(item)) {
          throw new Invalid(GatewayError.REPEATED_KEY, item + " is given twice");
        }
        continue;
      }
      String key = item.substring(0, eq).strip();
      String value = item.substring(eq + 1).strip();
      if (!keys.contains(key)) {
        throw new Invalid(GatewayError.UNKNOWN_KEY, "unknown key '" + shorten(key) + "'; " + known);
      }
      if (values.containsKey(key)) {
        throw new Invalid(GatewayError.REPEATED_KEY, key + " is given twice");
      }
      if (value.isEmpty()) {
        throw new Invalid(GatewayError.BAD_ITEM, key + " has no value");
      }
      values.put(key, value);
    }
    return new Items(values, flags);
  }

  private static LineCommand restore(Items items) throws Invalid {
    Map<String, String> values = items.values();
    String instance = values.get("db_instance");
    if (instance == null) {
      throw new Invalid(GatewayError.MISSING_INSTANCE, "db_instance is required, e.g. db_instance=main1");
    }
    if (!ConfigLoader.NAME.matcher(instance).matches()) {
      throw new Invalid(GatewayError.BAD_NAME, "db_instance '" + shorten(instance) + "' is not a name");
    }
    String host = values.get("db_host");
    if (host != null && !ConfigLoader.NAME.matcher(host).matches()) {
      throw new Invalid(GatewayError.BAD_NAME, "db_host '" + shorten(host) + "' is not a name");
    }
    String backupId = values.get("backup_id");
    // the form of the id is the instance's engine's to check (the request resolver does)
    if (backupId != null && !BACKUP_ID_TOKEN.matcher(backupId).matches()) {
      throw new Invalid(GatewayError.BAD_BACKUP_ID, "backup_id '" + shorten(backupId)
          + "' is not a backup id (letters, digits, _ . : -, e.g. SSCOAD or 20261123T091500Z)");
    }
    return new LineCommand.Restore(instance, host, backupId, items.flags().contains("incremental"),
        items.flags().contains("full"), token(items));
  }

  private static String token(Items items) throws Invalid {
    String token = items.values().get("token");
    if (token != null && !TOKEN.matcher(token).matches()) {
      throw new Invalid(GatewayError.BAD_TOKEN, "the token is not valid");
    }
    return token;
  }

  /** Echoes of client input stay short and printable. */
  private static String shorten(String text) {
    String printable = text.replaceAll("[^\\x20-\\x7E]", "?");
    return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
  }
}
