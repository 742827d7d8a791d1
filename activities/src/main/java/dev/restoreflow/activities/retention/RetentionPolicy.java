package dev.restoreflow.activities.retention;

/**
 * How many backups each retention category keeps (see {@link Retention} for the rules).
 * Defaults are the seed's: daily 7, weekly 4, monthly 12, full 3.
 */
public record RetentionPolicy(int daily, int weekly, int monthly, int full) {

  public static final int MAX = 10_000;

  public RetentionPolicy {
    check("daily", daily);
    check("weekly", weekly);
    check("monthly", monthly);
    check("full", full);
  }

  public static RetentionPolicy defaults() {
    return new RetentionPolicy(7, 4, 12, 3);
  }

  public RetentionPolicy withDaily(int count) {
    return new RetentionPolicy(count, weekly, monthly, full);
  }

  public RetentionPolicy withWeekly(int count) {
    return new RetentionPolicy(daily, count, monthly, full);
  }

  public RetentionPolicy withMonthly(int count) {
    return new RetentionPolicy(daily, weekly, count, full);
  }

  public RetentionPolicy withFull(int count) {
    return new RetentionPolicy(daily, weekly, monthly, count);
  }

  public int count(RetentionCategory category) {
    return switch (category) {
      case DAILY -> daily;
      case WEEKLY -> weekly;
      case MONTHLY -> monthly;
      case FULL -> full;
    };
  }

  private static void check(String setting, int count) {
    if (count < 0 || count > MAX) {
      throw new IllegalArgumentException("retention " + setting + " must be between 0 and " + MAX
          + " (got " + count + ")");
    }
  }
}
