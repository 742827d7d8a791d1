package dev.restoreflow.activities.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's example: two weeks around Tue 2026-09-01, daily 3, weekly 1, monthly 1, full 1.
 * Every decision and reason written out by hand.
 */
class RetentionExampleTest {

  private static Instant at(String utc) {
    return Instant.parse("2026-" + utc + ":00Z");
  }

  @Test
  void twoWeeksAroundAMonthStart() {
    List<BackupFacts> backups = List.of(
        BackupFacts.full("08-23", at("08-23T02:00")), // Sun
        BackupFacts.incremental("08-24", at("08-24T02:00"), "08-23"),
        BackupFacts.incremental("08-25", at("08-25T02:00"), "08-24"),
        BackupFacts.incremental("08-26", at("08-26T02:00"), "08-25"),
        BackupFacts.incremental("08-27", at("08-27T02:00"), "08-26"),
        BackupFacts.incremental("08-28", at("08-28T02:00"), "08-27"),
        BackupFacts.incremental("08-29", at("08-29T02:00"), "08-28"),
        BackupFacts.full("08-30", at("08-30T02:00")), // Sun
        BackupFacts.incremental("08-31", at("08-31T02:00"), "08-30"),
        BackupFacts.incremental("09-01", at("09-01T02:00"), "08-31"), // Tue, the 1st
        BackupFacts.incremental("09-02a", at("09-02T02:00"), "09-01"),
        BackupFacts.incremental("09-02b", at("09-02T14:00"), "09-02a"),
        BackupFacts.incremental("09-03", at("09-03T02:00"), "09-02b").failed(),
        BackupFacts.incremental("09-04", at("09-04T02:00"), "09-02b"),
        BackupFacts.incremental("09-05", at("09-05T02:00"), "09-04").failed());

    RetentionPlan plan = Retention.plan(backups, new RetentionPolicy(3, 1, 1, 1));

    assertEquals(List.of(
        keep("09-05", "failed, but newer than the newest good backup 09-04: kept for "
            + "investigation until a good backup follows it"),
        keep("09-04", "daily 1/3 (Fri 2026-09-04)", "newest good backup"),
        delete("09-03", "failed backup older than the newest good one (09-04)"),
        keep("09-02b", "daily 2/3 (Wed 2026-09-02)"),
        keep("09-02a", "needed by kept 09-04 (its chain)"),
        keep("09-01", "monthly 1/1 (2026-09-01)"),
        keep("08-31", "daily 3/3 (Mon 2026-08-31)"),
        keep("08-30", "weekly 1/1 (Sun 2026-08-30)", "full 1/1"),
        delete("08-29", "beyond daily 3"),
        delete("08-28", "beyond daily 3"),
        delete("08-27", "beyond daily 3"),
        delete("08-26", "beyond daily 3"),
        delete("08-25", "beyond daily 3"),
        delete("08-24", "beyond daily 3"),
        delete("08-23", "beyond weekly 1", "beyond full 1")),
        plan.decisions().stream().map(d -> d.id() + (d.keep() ? " keep " : " delete ")
            + d.reasons()).toList());
    assertEquals(List.of("09-03", "08-29", "08-28", "08-27", "08-26", "08-25", "08-24", "08-23"),
        plan.toDeleteIds());
  }

  private static String keep(String id, String... reasons) {
    return id + " keep " + List.of(reasons);
  }

  private static String delete(String id, String... reasons) {
    return id + " delete " + List.of(reasons);
  }
}
