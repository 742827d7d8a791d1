package dev.restoreflow.activities.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * 400 days of backups, one a day at 02:00 UTC from Sun 2025-11-02 to Sun 2026-12-06: a full
 * every Sunday, an incremental on the day before every other day. Each backup's id is its date.
 * The expected kept set is written out by hand below, from a printed calendar.
 */
class RetentionCalendarTest {

  private static final LocalDate FIRST = LocalDate.parse("2025-11-02");
  private static final LocalDate LAST = LocalDate.parse("2026-12-06");

  /**
   * The last ten weeks and a day, a row per week from its Sunday: K kept, - deleted.
   * <pre>
   * 12-06 Sun  full: weekly 1/4, full 1/3, newest good
   * 12-05..12-02, 11-30, 11-28, 11-27: daily 1/7..7/7 (Mon-Sat, not a 1st)
   * 12-01 Tue  monthly 1/12 (its chain 11-29, 11-30 is kept anyway)
   * 11-29 Sun  weekly 2/4, full 2/3;  11-22 Sun  weekly 3/4, full 3/3;  11-15 Sun weekly 4/4
   * 11-23..11-26  the chain of daily 11-27/11-28 back to full 11-22
   * 11-08 Sun  the 5th Sunday: beyond weekly 4, beyond full 3
   * 11-01 Sun  the 1st: monthly 2/12 (a full, nothing under it)
   * 10-01 Thu  monthly 3/12, with its chain 09-27 (full) .. 09-30
   * </pre>
   */
  private static final String LAST_WEEKS = """
      2026-09-27  K K K K K - -
      2026-10-04  - - - - - - -
      2026-10-11  - - - - - - -
      2026-10-18  - - - - - - -
      2026-10-25  - - - - - - -
      2026-11-01  K - - - - - -
      2026-11-08  - - - - - - -
      2026-11-15  K - - - - - -
      2026-11-22  K K K K K K K
      2026-11-29  K K K K K K K
      2026-12-06  K
      """;

  /** Before those weeks only the monthly 1sts 4/12 .. 12/12 and their chains back to a Sunday. */
  private static final List<String> KEPT_BEFORE = List.of(
      "2025-12-28", "2025-12-29", "2025-12-30", "2025-12-31", "2026-01-01", // Thu, monthly 12/12
      "2026-02-01", // Sun: a full, monthly 11/12
      "2026-03-01", // Sun: a full, monthly 10/12
      "2026-03-29", "2026-03-30", "2026-03-31", "2026-04-01", // Wed, monthly 9/12
      "2026-04-26", "2026-04-27", "2026-04-28", "2026-04-29", "2026-04-30", "2026-05-01", // Fri
      "2026-05-31", "2026-06-01", // Mon
      "2026-06-28", "2026-06-29", "2026-06-30", "2026-07-01", // Wed
      "2026-07-26", "2026-07-27", "2026-07-28", "2026-07-29", "2026-07-30", "2026-07-31",
      "2026-08-01", // Sat, monthly 5/12
      "2026-08-30", "2026-08-31", "2026-09-01"); // Tue, monthly 4/12; 2025-12-01 is the 13th

  @Test
  void theDefaultPolicyKeepsExactlyTheHandWrittenSet() {
    List<BackupFacts> calendar = calendar();
    assertEquals(400, calendar.size());

    RetentionPlan plan = Retention.plan(calendar, RetentionPolicy.defaults(), ZoneOffset.UTC);

    Set<String> expected = new TreeSet<>(KEPT_BEFORE);
    expected.addAll(keptInGrid());
    Set<String> kept = plan.kept().stream().map(RetentionDecision::id)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, kept);
    assertEquals(400 - expected.size(), plan.toDelete().size());
  }

  @Test
  void theReasonsNameTheCategoryItsRankAndTheDay() {
    RetentionPlan plan = Retention.plan(calendar(), RetentionPolicy.defaults());

    assertReasons(plan, "2026-12-06", true,
        "weekly 1/4 (Sun 2026-12-06)", "full 1/3", "newest good backup");
    assertReasons(plan, "2026-12-05", true, "daily 1/7 (Sat 2026-12-05)");
    assertReasons(plan, "2026-12-01", true, "monthly 1/12 (2026-12-01)");
    assertReasons(plan, "2026-11-27", true, "daily 7/7 (Fri 2026-11-27)");
    assertReasons(plan, "2026-11-26", true, "needed by kept 2026-11-28 (its chain)");
    assertReasons(plan, "2026-11-22", true, "weekly 3/4 (Sun 2026-11-22)", "full 3/3");
    assertReasons(plan, "2026-11-01", true, "monthly 2/12 (2026-11-01)");
    assertReasons(plan, "2026-01-01", true, "monthly 12/12 (2026-01-01)");
    assertReasons(plan, "2025-12-31", true, "needed by kept 2026-01-01 (its chain)");

    assertReasons(plan, "2026-11-21", false, "beyond daily 7");
    assertReasons(plan, "2026-11-08", false, "beyond weekly 4", "beyond full 3");
    assertReasons(plan, "2025-12-01", false, "beyond monthly 12");
    assertEquals(List.of(RetentionCategory.MONTHLY, RetentionCategory.FULL),
        plan.decision("2026-11-01").orElseThrow().categories());
  }

  @Test
  void deletionsGoNewestFirstSoEveryIncrementalGoesBeforeItsParent() {
    RetentionPlan plan = Retention.plan(calendar(), RetentionPolicy.defaults());

    List<String> order = plan.toDeleteIds();
    assertEquals("2026-11-21", order.get(0));
    // 11-20 is 11-21's parent, 11-15's chain starts at 11-16: Sunday 11-15 is kept (weekly 4/4).
    assertEquals(List.of("2026-11-21", "2026-11-20", "2026-11-19", "2026-11-18", "2026-11-17",
        "2026-11-16", "2026-11-14"), order.subList(0, 7));
    assertEquals("2025-11-02", order.get(order.size() - 1));
  }

  /** One backup a day at 02:00 UTC; a full on Sundays, otherwise built on the day before. */
  static List<BackupFacts> calendar() {
    List<BackupFacts> backups = new ArrayList<>();
    for (LocalDate day = FIRST; !day.isAfter(LAST); day = day.plusDays(1)) {
      var end = day.atTime(2, 0).toInstant(ZoneOffset.UTC);
      backups.add(day.getDayOfWeek() == DayOfWeek.SUNDAY
          ? BackupFacts.full(day.toString(), end)
          : BackupFacts.incremental(day.toString(), end, day.minusDays(1).toString()));
    }
    return backups;
  }

  private static Set<String> keptInGrid() {
    Set<String> kept = new TreeSet<>();
    for (String row : LAST_WEEKS.strip().split("\n")) {
      String[] cells = row.trim().split("\\s+");
      LocalDate sunday = LocalDate.parse(cells[0]);
      for (int i = 1; i < cells.length; i++) {
        if (cells[i].equals("K")) {
          kept.add(sunday.plusDays(i - 1).toString());
        }
      }
    }
    return kept;
  }

  private static void assertReasons(RetentionPlan plan, String id, boolean keep,
      String... reasons) {
    RetentionDecision decision = plan.decision(id).orElseThrow();
    assertEquals(keep, decision.keep(), id + ": " + decision.reasons());
    assertEquals(List.of(reasons), decision.reasons(), id);
  }
}
