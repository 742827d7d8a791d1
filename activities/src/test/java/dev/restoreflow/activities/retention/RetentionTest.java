package dev.restoreflow.activities.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RetentionTest {

  private static final RetentionPolicy NOTHING = new RetentionPolicy(0, 0, 0, 0);

  private static Instant at(String utc) {
    return Instant.parse(utc + ":00Z");
  }

  private static Set<String> kept(RetentionPlan plan) {
    return plan.kept().stream().map(RetentionDecision::id)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<String> reasons(RetentionPlan plan, String id) {
    return plan.decision(id).orElseThrow().reasons();
  }

  @Test
  void anEmptyRepositoryGivesAnEmptyPlan() {
    RetentionPlan plan = Retention.plan(List.of(), RetentionPolicy.defaults());
    assertTrue(plan.decisions().isEmpty());
    assertTrue(plan.toDelete().isEmpty());
  }

  @Test
  void twoBackupsWithOneIdAreRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> Retention.plan(List.of(
        BackupFacts.full("B1", at("2026-11-02T02:00")),
        BackupFacts.full("B1", at("2026-11-03T02:00"))), RetentionPolicy.defaults()));
    assertEquals("backup id B1 appears twice in the list; every backup needs its own id",
        e.getMessage());
  }

  @Test
  void aSundayTheFirstCountsAsMonthlyNotWeekly() {
    // Sun 2026-11-01 and Sun 2026-11-08, both fulls; a newer daily full is the newest good one.
    List<BackupFacts> backups = List.of(
        BackupFacts.full("SUN1ST", at("2026-11-01T02:00")),
        BackupFacts.full("SUN8TH", at("2026-11-08T02:00")),
        BackupFacts.full("MON", at("2026-11-09T02:00")));

    RetentionPlan weeklyOnly = Retention.plan(backups, NOTHING.withWeekly(4));
    assertEquals(Set.of("SUN8TH", "MON"), kept(weeklyOnly));
    assertEquals(List.of("the policy keeps no monthly backups", "the policy keeps no full backups"),
        reasons(weeklyOnly, "SUN1ST"));
    assertEquals(List.of(RetentionCategory.MONTHLY, RetentionCategory.FULL),
        weeklyOnly.decision("SUN1ST").orElseThrow().categories());

    RetentionPlan monthlyOnly = Retention.plan(backups, NOTHING.withMonthly(1));
    assertEquals(Set.of("SUN1ST", "MON"), kept(monthlyOnly));
    assertEquals(List.of("monthly 1/1 (2026-11-01)"), reasons(monthlyOnly, "SUN1ST"));
  }

  @Test
  void onlyTheNewestGoodBackupOfADayCountsTheOlderOnesGoUnlessItsChainNeedsThem() {
    List<BackupFacts> backups = List.of(
        BackupFacts.full("THU", at("2026-11-26T02:00")),
        BackupFacts.incremental("FRI06", at("2026-11-27T06:00"), "THU"),
        BackupFacts.incremental("FRI12", at("2026-11-27T12:00"), "THU"),
        BackupFacts.incremental("FRI18", at("2026-11-27T18:00"), "FRI12"),
        BackupFacts.incremental("FRI23", at("2026-11-27T23:00"), "FRI18").failed());

    RetentionPlan plan = Retention.plan(backups, NOTHING.withDaily(7));

    assertEquals(Set.of("THU", "FRI12", "FRI18", "FRI23"), kept(plan));
    assertEquals(List.of("daily 1/7 (Fri 2026-11-27)", "newest good backup"),
        reasons(plan, "FRI18"));
    assertEquals(List.of("needed by kept FRI18 (its chain)"), reasons(plan, "FRI12"));
    assertEquals(List.of("daily 2/7 (Thu 2026-11-26)"), reasons(plan, "THU"));
    assertEquals(List.of("not the newest daily backup of Fri 2026-11-27 (FRI18 is)"),
        reasons(plan, "FRI06"));
    assertEquals(List.of("failed, but newer than the newest good backup FRI18: kept for "
        + "investigation until a good backup follows it"), reasons(plan, "FRI23"));
  }

  @Test
  void aFailedBackupNeverUsesUpACategoryAndGoesOnceAGoodOneFollowsIt() {
    List<BackupFacts> backups = List.of(
        BackupFacts.full("MON", at("2026-11-23T02:00")),
        BackupFacts.incremental("TUE", at("2026-11-24T02:00"), "MON").failed(),
        BackupFacts.full("WED", at("2026-11-25T02:00")),
        BackupFacts.full("THU", at("2026-11-26T02:00")).failed());

    RetentionPlan plan = Retention.plan(backups, NOTHING.withDaily(2));

    assertEquals(Set.of("MON", "WED", "THU"), kept(plan));
    assertEquals(List.of("daily 2/2 (Mon 2026-11-23)"), reasons(plan, "MON"));
    assertEquals(List.of("failed backup older than the newest good one (WED)"),
        reasons(plan, "TUE"));
    assertEquals(List.of("TUE"), plan.toDeleteIds());
  }

  @Test
  void whenNoBackupIsGoodNothingIsDeleted() {
    List<BackupFacts> backups = List.of(
        BackupFacts.full("A", at("2026-11-23T02:00")).failed(),
        BackupFacts.incremental("B", at("2026-11-24T02:00"), "A"));

    RetentionPlan plan = Retention.plan(backups, RetentionPolicy.defaults());

    assertEquals(Set.of("A", "B"), kept(plan));
    assertEquals(List.of("failed, and no backup is good: kept for investigation"),
        reasons(plan, "A"));
    assertEquals(List.of("cannot be restored (its parent A failed), and no backup is good: "
        + "kept for investigation"), reasons(plan, "B"));
  }

  @Test
  void daysWithoutBackupsCostNothing() {
    // Daily 3 keeps the three newest days that have a backup, not the last three calendar days.
    List<BackupFacts> backups = List.of(
        BackupFacts.full("MON02", at("2026-11-02T02:00")),
        BackupFacts.full("TUE03", at("2026-11-03T02:00")),
        BackupFacts.full("THU12", at("2026-11-12T02:00")),
        BackupFacts.full("SAT28", at("2026-11-28T02:00")));

    RetentionPlan plan = Retention.plan(backups, NOTHING.withDaily(3));

    assertEquals(Set.of("TUE03", "THU12", "SAT28"), kept(plan));
    assertEquals(List.of("daily 3/3 (Tue 2026-11-03)"), reasons(plan, "TUE03"));
    assertEquals(List.of("beyond daily 3", "the policy keeps no full backups"),
        reasons(plan, "MON02"));
  }

  @Test
  void withEveryCountZeroTheNewestGoodBackupAndItsChainStay() {
    List<BackupFacts> backups = List.of(
        BackupFacts.full("F", at("2026-11-22T02:00")),
        BackupFacts.incremental("I1", at("2026-11-23T02:00"), "F"),
        BackupFacts.incremental("I2", at("2026-11-24T02:00"), "I1"),
        BackupFacts.full("OLD", at("2026-11-15T02:00")),
        BackupFacts.full("OLDER", at("2026-11-15T01:00")));

    RetentionPlan plan = Retention.plan(backups, NOTHING);

    assertEquals(Set.of("F", "I1", "I2"), kept(plan));
    assertEquals(List.of("newest good backup"), reasons(plan, "I2"));
    assertEquals(List.of("needed by kept I2 (its chain)"), reasons(plan, "F"));
    assertEquals(List.of("the policy keeps no weekly backups", "the policy keeps no full backups"),
        reasons(plan, "OLD"));
    assertEquals(List.of("the policy keeps no weekly backups", "the policy keeps no full backups"),
        reasons(plan, "OLDER"), "not 'not the newest of its day': no weekly one is kept at all");
  }

  @Test
  void aBrokenChainCannotBeRestoredSoItCountsNowhereAndKeepsNothing() {
    List<BackupFacts> backups = List.of(
        BackupFacts.full("F", at("2026-11-23T02:00")),
        BackupFacts.incremental("ORPHAN", at("2026-11-24T02:00"), "GONE"),
        BackupFacts.incremental("ORPHAN2", at("2026-11-25T02:00"), "ORPHAN"),
        BackupFacts.incremental("I", at("2026-11-26T02:00"), "F"),
        BackupFacts.incremental("LATE", at("2026-11-27T02:00"), "GONE"));

    RetentionPlan plan = Retention.plan(backups, NOTHING.withDaily(2));

    // Daily 2: I and F (the orphans' days do not count); LATE is newer than the newest good I.
    assertEquals(Set.of("F", "I", "LATE"), kept(plan));
    assertEquals(List.of("its parent GONE is missing"), reasons(plan, "ORPHAN"));
    assertEquals(List.of("its chain is broken: ORPHAN's parent GONE is missing"),
        reasons(plan, "ORPHAN2"));
    assertEquals(List.of("cannot be restored (its parent GONE is missing), but newer than the "
        + "newest good backup I: kept for investigation until a good backup follows it"),
        reasons(plan, "LATE"));
    assertEquals(List.of("ORPHAN2", "ORPHAN"), plan.toDeleteIds());
  }

  @Test
  void aKeptBackupKeepsItsWholeChainEvenOnAnotherDay() {
    List<BackupFacts> backups = List.of(
        BackupFacts.full("SUN", at("2026-11-22T02:00")),
        BackupFacts.incremental("MON", at("2026-11-23T02:00"), "SUN"),
        BackupFacts.incremental("TUE", at("2026-11-24T02:00"), "MON"),
        BackupFacts.full("WED", at("2026-11-25T02:00")),
        BackupFacts.incremental("SUNDAY1ST", at("2026-11-01T02:00"), "SAT31"),
        BackupFacts.full("SAT31", at("2026-10-31T02:00")));

    RetentionPlan plan = Retention.plan(backups, NOTHING.withDaily(2).withMonthly(1));

    assertEquals(Set.of("SUN", "MON", "TUE", "WED", "SUNDAY1ST", "SAT31"), kept(plan));
    assertEquals(List.of("needed by kept TUE (its chain)"), reasons(plan, "SUN"));
    assertEquals(List.of("daily 2/2 (Tue 2026-11-24)"), reasons(plan, "TUE"));
    assertEquals(List.of("needed by kept SUNDAY1ST (its chain)"), reasons(plan, "SAT31"));
  }

  @Test
  void dependentsAreDeletedBeforeTheirParentsEvenWhenTheirTimesSayOtherwise() {
    // A clock that went backwards: the child ended before its parent.
    List<BackupFacts> backups = List.of(
        BackupFacts.full("F", at("2026-11-20T02:00")),
        BackupFacts.incremental("CHILD", at("2026-11-19T02:00"), "F"),
        BackupFacts.incremental("GRANDCHILD", at("2026-11-21T02:00"), "CHILD"),
        BackupFacts.full("NEW", at("2026-11-26T02:00")));

    RetentionPlan plan = Retention.plan(backups, NOTHING);

    assertEquals(List.of("GRANDCHILD", "CHILD", "F"), plan.toDeleteIds());
  }

  @Test
  void aLoopOfParentsIsBrokenAndStillDeletedInADefiniteOrder() {
    List<BackupFacts> backups = List.of(
        BackupFacts.incremental("A", at("2026-11-20T02:00"), "B"),
        BackupFacts.incremental("B", at("2026-11-21T02:00"), "A"),
        BackupFacts.incremental("SELF", at("2026-11-22T02:00"), "SELF"),
        BackupFacts.full("F", at("2026-11-26T02:00")));

    RetentionPlan plan = Retention.plan(backups, RetentionPolicy.defaults());

    assertEquals(Set.of("F"), kept(plan));
    assertEquals(List.of("its chain loops back to A"), reasons(plan, "A"));
    assertEquals(List.of("its chain loops back to SELF"), reasons(plan, "SELF"));
    assertEquals(List.of("SELF", "B", "A"), plan.toDeleteIds());
  }

  @Test
  void aBackupsDayIsTakenInTheGivenTimeZone() {
    // 02:00 UTC on Sun 2026-11-01 is 21:00 on Sat 2026-10-31 in New York.
    List<BackupFacts> backups = List.of(BackupFacts.full("B", at("2026-11-01T02:00")));

    RetentionPlan utc = Retention.plan(backups, RetentionPolicy.defaults());
    RetentionPlan newYork = Retention.plan(backups, RetentionPolicy.defaults(),
        ZoneId.of("America/New_York"));

    assertEquals(RetentionCategory.MONTHLY, utc.decisions().get(0).categories().get(0));
    assertEquals(RetentionCategory.DAILY, newYork.decisions().get(0).categories().get(0));
    assertEquals(List.of("daily 1/7 (Sat 2026-10-31)", "full 1/3", "newest good backup"),
        reasons(newYork, "B"));
  }

  @Test
  void backupsThatEndedAtTheSameInstantAreOrderedByIdTheGreaterOneNewer() {
    List<BackupFacts> backups = List.of(
        BackupFacts.full("B-1", at("2026-11-24T02:00")),
        BackupFacts.full("B-2", at("2026-11-24T02:00")));

    RetentionPlan plan = Retention.plan(backups, NOTHING.withDaily(1));

    assertEquals(Set.of("B-2"), kept(plan));
    assertEquals(List.of("B-2", "B-1"),
        plan.decisions().stream().map(RetentionDecision::id).toList());
  }

  @Test
  void theFullCategoryKeepsTheNewestFullsWhateverTheirDays() {
    List<BackupFacts> backups = List.of(
        BackupFacts.full("F1", at("2026-11-24T01:00")),
        BackupFacts.full("F2", at("2026-11-24T05:00")),
        BackupFacts.full("F3", at("2026-11-25T05:00")),
        BackupFacts.incremental("I", at("2026-11-26T05:00"), "F3"));

    RetentionPlan plan = Retention.plan(backups, NOTHING.withFull(2));

    assertEquals(Set.of("F2", "F3", "I"), kept(plan));
    assertEquals(List.of("full 1/2"), reasons(plan, "F3"));
    assertEquals(List.of("full 2/2"), reasons(plan, "F2"));
    assertFalse(plan.decision("F1").orElseThrow().keep());
    assertEquals(List.of("the policy keeps no daily backups", "beyond full 2"),
        reasons(plan, "F1"));
  }

  @Test
  void aFullCannotNameAParent() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new BackupFacts("F", at("2026-11-24T01:00"), true, "X", true));
    assertTrue(e.getMessage().contains("only incrementals have a parent"), e.getMessage());
  }
}
