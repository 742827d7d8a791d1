package dev.restoreflow.activities.retention;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The seed's retention categories. A backup's day puts it in exactly one of DAILY, WEEKLY,
 * MONTHLY ({@link #ofDay}); a full backup counts in FULL as well.
 */
public enum RetentionCategory {
  DAILY,
  WEEKLY,
  MONTHLY,
  FULL;

  private static final DateTimeFormatter WITH_WEEKDAY =
      DateTimeFormatter.ofPattern("EEE yyyy-MM-dd", Locale.ENGLISH);

  /** The 1st of a month is MONTHLY (also on a Sunday), another Sunday WEEKLY, any other day DAILY. */
  public static RetentionCategory ofDay(LocalDate day) {
    if (day.getDayOfMonth() == 1) {
      return MONTHLY;
    }
    return day.getDayOfWeek() == DayOfWeek.SUNDAY ? WEEKLY : DAILY;
  }

  /** "daily", as the policy, the CLI flags and the reasons name it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The day as reasons show it: "Fri 2026-11-27"; a monthly's just "2026-09-01". */
  String dayLabel(LocalDate day) {
    return this == MONTHLY ? day.toString() : WITH_WEEKDAY.format(day);
  }
}
