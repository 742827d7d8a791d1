package dev.restoreflow.activities.retention;

/**
 * When the automatic decision makes a full backup instead of an incremental.
 *
 * @param maxFullAgeDays a full once the newest good full is older than this many days
 *     (exactly this old is not older)
 * @param maxIncrementals a full once the next backup would be incremental number
 *     {@code maxIncrementals + 1} after the newest good full
 */
public record Thresholds(int maxFullAgeDays, int maxIncrementals) {

  public static final int MAX = 10_000;

  public Thresholds {
    check("maxFullAgeDays", maxFullAgeDays);
    check("maxIncrementals", maxIncrementals);
  }

  /** The seed's: 7 days, 5 incrementals. */
  public static Thresholds defaults() {
    return new Thresholds(7, 5);
  }

  public Thresholds withMaxFullAgeDays(int days) {
    return new Thresholds(days, maxIncrementals);
  }

  public Thresholds withMaxIncrementals(int count) {
    return new Thresholds(maxFullAgeDays, count);
  }

  private static void check(String setting, int value) {
    if (value < 0 || value > MAX) {
      throw new IllegalArgumentException(setting + " must be between 0 and " + MAX
          + " (got " + value + ")");
    }
  }
}
