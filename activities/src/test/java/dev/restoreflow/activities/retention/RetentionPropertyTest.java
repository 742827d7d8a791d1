package dev.restoreflow.activities.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Retention over 300 random calendars (fixed seeds): gaps, several backups a day, failed ones,
 * fulls and incrementals, missing parents, equal end times, four time zones, random counts.
 * The oracle here is written apart from the production code.
 */
class RetentionPropertyTest {

  private static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"),
      ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"), ZoneId.of("Pacific/Auckland"));
  private static final Comparator<BackupFacts> NEWEST_FIRST =
      Comparator.comparing(BackupFacts::endTime).thenComparing(BackupFacts::id).reversed();

  @Test
  @Timeout(20)
  void everyRandomCalendarGetsASafeCompleteAndStablePlan() {
    for (long seed = 1; seed <= 300; seed++) {
      Random random = new Random(seed);
      List<BackupFacts> backups = randomCalendar(random);
      RetentionPolicy policy = new RetentionPolicy(random.nextInt(11), random.nextInt(11),
          random.nextInt(11), random.nextInt(11));
      ZoneId zone = ZONES.get(random.nextInt(ZONES.size()));
      String where = "seed " + seed + ", " + policy + ", " + zone + ", " + backups.size()
          + " backups";

      RetentionPlan plan = Retention.plan(backups, policy, zone);

      check(backups, policy, zone, plan, where);

      List<BackupFacts> shuffled = new ArrayList<>(backups);
      Collections.shuffle(shuffled, random);
      assertEquals(plan, Retention.plan(shuffled, policy, zone), "deterministic, " + where);

      Set<String> keptIds = ids(plan.kept());
      List<BackupFacts> afterApply = backups.stream().filter(b -> keptIds.contains(b.id()))
          .toList();
      RetentionPlan again = Retention.plan(afterApply, policy, zone);
      assertEquals(List.of(), again.toDeleteIds(), "idempotent, " + where);
      assertEquals(plan.kept(), again.kept(), "same reasons the second time, " + where);
    }
  }

  private static void check(List<BackupFacts> backups, RetentionPolicy policy, ZoneId zone,
      RetentionPlan plan, String where) {
    Map<String, BackupFacts> byId = new HashMap<>();
    backups.forEach(b -> byId.put(b.id(), b));
    Set<String> kept = ids(plan.kept());
    Set<String> deleted = new HashSet<>(plan.toDeleteIds());

    assertEquals(backups.size(), plan.decisions().size(), where);
    assertEquals(backups.size(), kept.size() + deleted.size(), where);
    assertTrue(Collections.disjoint(kept, deleted), where);

    // Nothing kept depends on something deleted.
    for (String id : kept) {
      BackupFacts b = byId.get(id);
      if (!b.full() && b.parentId() != null && byId.containsKey(b.parentId())) {
        assertTrue(kept.contains(b.parentId()),
            id + " is kept but its parent " + b.parentId() + " is not, " + where);
      }
    }

    // Dependents are deleted before their parents.
    List<String> order = plan.toDeleteIds();
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      position.put(order.get(i), i);
    }
    for (int i = 0; i < order.size(); i++) {
      BackupFacts b = byId.get(order.get(i));
      if (!b.full() && b.parentId() != null && deleted.contains(b.parentId())
          && !b.parentId().equals(b.id()) && !inLoop(b, byId)) {
        assertTrue(position.get(b.parentId()) > i,
            "parent " + b.parentId() + " deleted before " + b.id() + ", " + where);
      }
    }

    Set<String> restorable = restorable(backups, byId);
    BackupFacts newestGood = backups.stream().filter(b -> restorable.contains(b.id()))
        .min(NEWEST_FIRST).orElse(null);
    if (newestGood != null) {
      assertTrue(kept.contains(newestGood.id()), "newest good " + newestGood.id() + ", " + where);
    }

    // A failed or broken backup is kept only when newer than the newest good one, or as part of
    // a kept backup's chain.
    Set<String> chains = new HashSet<>();
    for (String id : kept) {
      chains.addAll(ancestors(byId.get(id), byId));
    }
    Map<String, List<String>> reasons = new HashMap<>();
    plan.decisions().forEach(d -> reasons.put(d.id(), d.reasons()));
    for (String id : kept) {
      BackupFacts b = byId.get(id);
      if (!restorable.contains(id)) {
        assertTrue(newestGood == null || NEWEST_FIRST.compare(b, newestGood) < 0
            || chains.contains(id), id + " failed but kept, " + where);
        reasons.get(id).forEach(reason -> assertFalse(
            reason.matches("(daily|weekly|monthly|full) \\d+/\\d+.*"), reason + ", " + where));
      }
    }

    // Each category keeps exactly the newest good backup of its N newest days (N newest fulls).
    for (String category : List.of("daily", "weekly", "monthly")) {
      TreeMap<LocalDate, BackupFacts> newestPerDay = new TreeMap<>(Comparator.reverseOrder());
      for (BackupFacts b : backups) {
        LocalDate day = b.endTime().atZone(zone).toLocalDate();
        if (restorable.contains(b.id()) && category.equals(categoryOf(day))) {
          newestPerDay.merge(day, b, (x, y) -> NEWEST_FIRST.compare(x, y) <= 0 ? x : y);
        }
      }
      int limit = switch (category) {
        case "daily" -> policy.daily();
        case "weekly" -> policy.weekly();
        default -> policy.monthly();
      };
      Set<String> expected = newestPerDay.values().stream().limit(limit).map(BackupFacts::id)
          .collect(Collectors.toSet());
      assertEquals(expected, keptWithReason(plan, category + " "), category + ", " + where);
    }
    Set<String> expectedFulls = backups.stream()
        .filter(b -> b.full() && restorable.contains(b.id())).sorted(NEWEST_FIRST)
        .limit(policy.full()).map(BackupFacts::id).collect(Collectors.toSet());
    assertEquals(expectedFulls, keptWithReason(plan, "full "), "full, " + where);
  }

  private static Set<String> keptWithReason(RetentionPlan plan, String prefix) {
    return plan.kept().stream()
        .filter(d -> d.reasons().stream().anyMatch(r -> r.startsWith(prefix)))
        .map(RetentionDecision::id).collect(Collectors.toSet());
  }

  private static String categoryOf(LocalDate day) {
    if (day.getDayOfMonth() == 1) {
      return "monthly";
    }
    return day.getDayOfWeek() == DayOfWeek.SUNDAY ? "weekly" : "daily";
  }

  /** Good, and (for an incremental) every parent up to a full present and good. */
  private static Set<String> restorable(List<BackupFacts> backups, Map<String, BackupFacts> byId) {
    Set<String> result = new HashSet<>();
    for (BackupFacts b : backups) {
      BackupFacts current = b;
      Set<String> seen = new HashSet<>();
      while (current != null && current.good() && seen.add(current.id()) && !current.full()) {
        current = current.parentId() == null ? null : byId.get(current.parentId());
      }
      if (current != null && current.good() && current.full()) {
        result.add(b.id());
      }
    }
    return result;
  }

  private static Set<String> ancestors(BackupFacts b, Map<String, BackupFacts> byId) {
    Set<String> result = new HashSet<>();
    BackupFacts current = b;
    while (!current.full() && current.parentId() != null && byId.containsKey(current.parentId())
        && result.add(current.parentId())) {
      current = byId.get(current.parentId());
    }
    return result;
  }

  private static boolean inLoop(BackupFacts b, Map<String, BackupFacts> byId) {
    return ancestors(b, byId).contains(b.id());
  }

  private static Set<String> ids(List<RetentionDecision> decisions) {
    return decisions.stream().map(RetentionDecision::id).collect(Collectors.toSet());
  }

  /**
   * 10 to 150 days from a random start; a day has no backup (1 in 5), or 1 to 3 at random times.
   * A backup is a full (1 in 5, or when nothing precedes it) or an incremental of the previous
   * backup, or of a random earlier one, or of a missing one; 1 in 7 failed; 1 in 30 ends at the
   * same instant as the one before.
   */
  static List<BackupFacts> randomCalendar(Random random) {
    List<BackupFacts> backups = new ArrayList<>();
    LocalDate day = LocalDate.of(2025, 1, 1).plusDays(random.nextInt(1000));
    int days = 10 + random.nextInt(141);
    for (int d = 0; d < days; d++, day = day.plusDays(1)) {
      int count = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(3);
      List<Instant> ends = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ends.add(day.atStartOfDay(ZoneId.of("UTC")).toInstant()
            .plusSeconds(random.nextInt(86_400)));
      }
      Collections.sort(ends);
      for (Instant end : ends) {
        if (!backups.isEmpty() && random.nextInt(30) == 0) {
          end = backups.get(backups.size() - 1).endTime();
        }
        String id = "B" + backups.size();
        BackupFacts backup;
        if (backups.isEmpty() || random.nextInt(5) == 0) {
          backup = BackupFacts.full(id, end);
        } else {
          int pick = random.nextInt(20);
          String parent = pick < 15 ? backups.get(backups.size() - 1).id()
              : pick < 18 ? backups.get(random.nextInt(backups.size())).id()
              : pick < 19 ? "GONE" + random.nextInt(3)
              : null;
          backup = BackupFacts.incremental(id, end, parent);
        }
        backups.add(random.nextInt(7) == 0 ? backup.failed() : backup);
      }
    }
    return backups;
  }
}
