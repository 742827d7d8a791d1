package dev.restoreflow.client;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a schedule fires: a 5-field cron expression (minute hour day-of-month month day-of-week,
 * UTC) or a fixed interval. Exactly one is set.
 */
public record ScheduleTiming(String cron, Duration every) {

  private static final Pattern CRON_FIELD = Pattern.compile("[0-9A-Za-z*/,?-]{1,40}");
  private static final Pattern INTERVAL = Pattern.compile("([1-9][0-9]{0,5})([smhd])");
  private static final Duration SHORTEST = Duration.ofSeconds(5);

  public ScheduleTiming {
    if ((cron == null) == (every == null)) {
      throw new IllegalArgumentException("a schedule needs either a cron expression or an interval");
    }
  }

  /** @throws IllegalArgumentException naming what is wrong with the expression */
  public static ScheduleTiming cron(String expression) {
    String[] fields = expression == null ? new String[0] : expression.trim().split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException("cron expression '" + expression + "' must have 5 fields"
          + " (minute hour day-of-month month day-of-week), e.g. '0 3 * * *' for 03:00 UTC daily");
    }
    for (String field : fields) {
      if (!CRON_FIELD.matcher(field).matches()) {
        throw new IllegalArgumentException("cron field '" + field + "' of '" + expression
            + "' has characters other than digits, names, * / , - ?");
      }
    }
    return new ScheduleTiming(String.join(" ", fields), null);
  }

  /** @param text e.g. {@code 30s}, {@code 15m}, {@code 6h}, {@code 1d} */
  public static ScheduleTiming every(String text) {
    Matcher m = text == null ? null : INTERVAL.matcher(text.trim());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("interval '" + text + "' must be a number and a unit"
          + " s, m, h or d, e.g. 15m or 1d");
    }
    long n = Long.parseLong(m.group(1));
    Duration interval = switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (interval.compareTo(SHORTEST) < 0) {
      throw new IllegalArgumentException("interval '" + text + "' is shorter than "
          + SHORTEST.toSeconds() + " s");
    }
    return new ScheduleTiming(null, interval);
  }

  public String describe() {
    return cron != null ? "cron '" + cron + "' (UTC)" : "every " + every.toString().substring(2).toLowerCase();
  }
}
