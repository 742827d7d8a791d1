package dev.restoreflow.worker.config;

import dev.restoreflow.activities.notify.WebhookConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks the {@code notifications} section; errors name the key. */
final class NotificationSettings {

  /**
   * Each webhook may take 10 s of the Notify activity's 2 minutes; ten of them end in time.
   */
  static final int MAX_WEBHOOKS = 10;
  static final long MIN_STALL_SECONDS = 60;
  private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,5})([smhd])");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");
  private static final String KEY = "notifications";

  private NotificationSettings() {}

  /**
   * @param written the section as written, or null
   * @param ledger the ledger file, resolved: the delivery record goes beside it by default
   */
  static NotificationsConfig check(NotificationsConfig written, Path ledger) {
    if (written == null) {
      return NotificationsConfig.none();
    }
    if (written.stallAfter() != null) {
      seconds(written.stallAfter());
    }
    if (written.webhooks().size() > MAX_WEBHOOKS) {
      throw new ConfigException(KEY + ".webhooks", "at most " + MAX_WEBHOOKS + " webhooks (each"
          + " may take 10 s of the Notify activity's 2 minutes); got " + written.webhooks().size());
    }
    List<WebhookConfig> webhooks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < written.webhooks().size(); i++) {
      WebhookConfig webhook = webhook(KEY + ".webhooks[" + i + "]", written.webhooks().get(i));
      if (!names.add(webhook.name())) {
        throw new ConfigException(KEY + ".webhooks[" + i + "].name", "'" + webhook.name()
            + "' names another webhook too; give each its own name");
      }
      webhooks.add(webhook);
    }
    String deliveries = written.deliveries() != null ? deliveries(written.deliveries())
        : webhooks.isEmpty() ? null : beside(ledger).toString();
    return new NotificationsConfig(written.stallAfter(), webhooks, deliveries);
  }

  /** "30m" in seconds; @throws ConfigException naming notifications.stallAfter */
  static long seconds(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new ConfigException(KEY + ".stallAfter", "'" + text + "' must be a number and a"
          + " unit s, m, h or d, e.g. 30m or 2h");
    }
    long n = Long.parseLong(m.group(1));
    long seconds = switch (m.group(2)) {
      case "s" -> n;
      case "m" -> n * 60;
      case "h" -> n * 3600;
      default -> n * 86400;
    };
    if (seconds < MIN_STALL_SECONDS) {
      throw new ConfigException(KEY + ".stallAfter", "'" + text + "' is shorter than a minute;"
          + " a step that heartbeats rarely would be reported stalled while it works");
    }
    return seconds;
  }

  private static WebhookConfig webhook(String key, WebhookConfig w) {
    if (w == null) {
      throw new ConfigException(key, "is empty; a webhook needs at least name and urlEnv");
    }
    if (w.name() == null || !ConfigLoader.NAME.matcher(w.name()).matches()) {
      throw new ConfigException(key + ".name", "'" + w.name() + "' is not a valid name (letters,"
          + " digits, _ . -): logs and the delivery record name the webhook by it");
    }
    if (w.urlEnv() == null) {
      throw new ConfigException(key + ".urlEnv", "is required: the environment variable that"
          + " holds the webhook's URL (the URL itself never goes in the config)");
    }
    envName(key + ".urlEnv", w.urlEnv());
    envName(key + ".tokenEnv", w.tokenEnv());
    String format = w.format() == null ? WebhookConfig.JSON : w.format();
    if (!WebhookConfig.FORMATS.contains(format)) {
      throw new ConfigException(key + ".format", "'" + format + "' is not a format; use one of "
          + WebhookConfig.FORMATS);
    }
    List<String> events = w.events() == null ? WebhookConfig.EVENTS : w.events();
    if (events.isEmpty()) {
      throw new ConfigException(key + ".events", "lists no event; leave the key out for every"
          + " event, or list some of " + WebhookConfig.EVENTS);
    }
    for (int e = 0; e < events.size(); e++) {
      if (!WebhookConfig.EVENTS.contains(events.get(e))) {
        throw new ConfigException(key + ".events[" + e + "]", "'" + events.get(e) + "' is not an"
            + " event; use some of " + WebhookConfig.EVENTS);
      }
    }
    return new WebhookConfig(w.name(), w.urlEnv(), w.tokenEnv(), format,
        List.copyOf(new LinkedHashSet<>(events)));
  }

  private static void envName(String key, String name) {
    if (name != null && !ENV_NAME.matcher(name).matches()) {
      throw new ConfigException(key, "'" + name + "' must name an environment variable (A-Z,"
          + " 0-9, _)");
    }
  }

  private static String deliveries(String value) {
    Path path = Path.of(value);
    if (!path.isAbsolute() || !path.normalize().toString().equals(value)) {
      throw new ConfigException(KEY + ".deliveries", "must be an absolute, normalized path (got '"
          + value + "'); leave it out for a file beside the ledger");
    }
    return value;
  }

  /** {@code ledger.db} -> {@code ledger-notices.db}, in the ledger's directory. */
  static Path beside(Path ledger) {
    String name = ledger.getFileName().toString();
    String stem = name.endsWith(".db") ? name.substring(0, name.length() - 3) : name;
    return ledger.resolveSibling(stem + "-notices.db");
  }
}
