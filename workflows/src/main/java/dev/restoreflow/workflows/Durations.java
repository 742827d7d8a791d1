package dev.restoreflow.workflows;

/** Durations in words for people: "42 s", "10 min 3 s", "2 h 5 min", "3 d 4 h". */
public final class Durations {

  private Durations() {}

  public static String words(long seconds) {
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return unit(seconds / 60, "min", seconds % 60, "s");
    }
    if (seconds < 86400) {
      return unit(seconds / 3600, "h", seconds % 3600 / 60, "min");
    }
    return unit(seconds / 86400, "d", seconds % 86400 / 3600, "h");
  }

  private static String unit(long big, String bigUnit, long small, String smallUnit) {
    return big + " " + bigUnit + (small == 0 ? "" : " " + small + " " + smallUnit);
  }
}
