package dev.restoreflow.activities.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupTypeDecisionTest {

  private static final Instant NOW = Instant.parse("2026-11-29T02:00:00Z");
  private static final Thresholds SEED = Thresholds.defaults();

  private static Instant daysAgo(double days) {
    return NOW.minusSeconds(Math.round(days * 86_400));
  }

  /** A full {@code fullAgeDays} old followed by {@code incrementals} incrementals, an hour apart. */
  private static List<BackupFacts> chain(double fullAgeDays, int incrementals) {
    List<BackupFacts> backups = new ArrayList<>();
    backups.add(BackupFacts.full("F", daysAgo(fullAgeDays)));
    for (int i = 1; i <= incrementals; i++) {
      backups.add(BackupFacts.incremental("I" + i, daysAgo(fullAgeDays).plusSeconds(3600L * i),
          i == 1 ? "F" : "I" + (i - 1)));
    }
    return backups;
  }

  private static BackupTypeDecision auto(List<BackupFacts> existing) {
    return BackupTypeDecision.decide(existing, NOW, SEED, Requested.auto());
  }

  private static BackupTypeDecision full(String reason) {
    return new BackupTypeDecision(BackupType.FULL, null, reason);
  }

  private static BackupTypeDecision incremental(String parent, String reason) {
    return new BackupTypeDecision(BackupType.INCREMENTAL, parent, reason);
  }

  @Test
  void theFirstBackupIsAFull() {
    assertEquals(full("no full backup yet"), auto(List.of()));
  }

  @Test
  void aFailedFullIsNoFullToBuildOn() {
    List<BackupFacts> existing = List.of(BackupFacts.full("F", daysAgo(1)).failed());
    assertEquals(full("no good full backup yet"), auto(existing));
    assertEquals(full("no full backup to build on"),
        BackupTypeDecision.decide(existing, NOW, SEED, Requested.incremental()));
  }

  @Test
  void askingForAFullGivesAFullWhateverTheChain() {
    List<BackupFacts> fresh = chain(1, 1);
    assertEquals(full("asked for a full"),
        BackupTypeDecision.decide(fresh, NOW, SEED, Requested.forcedFull()));
    assertEquals(full("asked for a full"),
        BackupTypeDecision.decide(fresh, NOW, SEED, Requested.full()));
    assertEquals(full("asked for a full"), BackupTypeDecision.decide(fresh, NOW, SEED,
        new Requested(Requested.Type.INCREMENTAL, true)));
  }

  @Test
  void aFullExactlySevenDaysOldIsStillBuiltOnAndASecondOlderIsNot() {
    assertEquals(incremental("F", "no incremental follows full F (2026-11-22, 7 days old)"),
        auto(chain(7, 0)));
    List<BackupFacts> older = List.of(BackupFacts.full("F", daysAgo(7).minusSeconds(1)));
    assertEquals(full("newest full F is 7 days 1 second old (limit 7 days)"), auto(older));
    assertEquals(full("newest full F is 8 days old (limit 7 days)"), auto(chain(8, 2)));
  }

  @Test
  void fiveIncrementalsAfterTheFullAreTheLimitTheSixthWouldBeOneTooMany() {
    assertEquals(incremental("I4", "4 incrementals follow full F (2026-11-27, 2 days old)"),
        auto(chain(2, 4)));
    assertEquals(full("6 incrementals would follow full F (limit 5)"), auto(chain(2, 5)));
  }

  @Test
  void theSeventhBackupOfAChainIsAFull() {
    List<BackupFacts> existing = new ArrayList<>();
    List<BackupType> types = new ArrayList<>();
    Instant now = NOW;
    for (int n = 1; n <= 8; n++, now = now.plus(Duration.ofHours(6))) {
      BackupTypeDecision decision = BackupTypeDecision.decide(existing, now, SEED,
          Requested.auto());
      types.add(decision.type());
      existing.add(new BackupFacts("B" + n, now, decision.type() == BackupType.FULL,
          decision.parentId(), true));
    }
    assertEquals(List.of(BackupType.FULL, BackupType.INCREMENTAL, BackupType.INCREMENTAL,
        BackupType.INCREMENTAL, BackupType.INCREMENTAL, BackupType.INCREMENTAL, BackupType.FULL,
        BackupType.INCREMENTAL), types);
    assertEquals("B5", existing.get(5).parentId());
    assertEquals("B7", existing.get(7).parentId());
  }

  @Test
  void anIncrementalBuildsOnTheNewestGoodBackupOfTheNewestFullsChain() {
    List<BackupFacts> existing = new ArrayList<>(chain(3, 2));
    existing.add(BackupFacts.incremental("I3", daysAgo(2), "I2").failed());
    existing.add(BackupFacts.incremental("I4", daysAgo(1.9), "I3")); // broken: I3 failed
    existing.add(BackupFacts.incremental("ORPHAN", daysAgo(1.8), "GONE"));

    assertEquals(incremental("I2", "2 incrementals follow full F (2026-11-26, 3 days old)"),
        auto(existing));
  }

  @Test
  void aNewerFullStartsANewChainEvenIfTheOldChainHasNewerIncrementals() {
    List<BackupFacts> existing = new ArrayList<>(chain(3, 0));
    existing.add(BackupFacts.full("F2", daysAgo(2)));
    existing.add(BackupFacts.incremental("OLDCHAIN", daysAgo(1), "F"));
    existing.add(BackupFacts.full("F3", daysAgo(0.5)).failed());

    assertEquals(incremental("F2", "no incremental follows full F2 (2026-11-27, 2 days old)"),
        auto(existing));
  }

  @Test
  void askingForAnIncrementalIgnoresTheThresholds() {
    assertEquals(incremental("I9", "asked for an incremental; 9 incrementals follow full F "
        + "(2026-10-30, 30 days old)"),
        BackupTypeDecision.decide(chain(30, 9), NOW, SEED, Requested.incremental()));
  }

  @Test
  void thresholdsAreConfigurable() {
    Thresholds strict = SEED.withMaxFullAgeDays(1).withMaxIncrementals(0);
    assertEquals(full("1 incremental would follow full F (limit 0)"),
        BackupTypeDecision.decide(chain(0.5, 0), NOW, strict, Requested.auto()));
    assertEquals(full("newest full F is 1 day 12 hours old (limit 1 day)"),
        BackupTypeDecision.decide(chain(1.5, 0), NOW, strict, Requested.auto()));
  }

  @Test
  void badSettingsAndFlagsAreReportedByName() {
    assertEquals("maxIncrementals must be between 0 and 10000 (got -1)",
        assertThrows(IllegalArgumentException.class, () -> SEED.withMaxIncrementals(-1))
            .getMessage());
    assertEquals("maxFullAgeDays must be between 0 and 10000 (got 10001)",
        assertThrows(IllegalArgumentException.class, () -> SEED.withMaxFullAgeDays(10_001))
            .getMessage());
    assertEquals(Requested.Type.INCREMENTAL, Requested.Type.fromFlag("Incremental"));
    assertEquals("unknown backup type 'differential': use full, incremental or auto",
        assertThrows(IllegalArgumentException.class,
            () -> Requested.Type.fromFlag("differential")).getMessage());
  }

  @Test
  void agesReadInTheirTwoLargestUnits() {
    assertEquals("0 seconds", BackupTypeDecision.describe(Duration.ZERO));
    assertEquals("5 hours 2 minutes", BackupTypeDecision.describe(Duration.ofMinutes(302)));
    assertEquals("7 days 3 hours",
        BackupTypeDecision.describe(Duration.ofDays(7).plusHours(3).plusMinutes(59)));
    assertEquals("1 day", BackupTypeDecision.describe(Duration.ofDays(1)));
  }
}
