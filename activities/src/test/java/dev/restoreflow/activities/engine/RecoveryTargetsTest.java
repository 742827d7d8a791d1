package dev.restoreflow.activities.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.restoreflow.workflows.model.RecoveryTarget;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The one recovery-target check every engine and every way in uses. */
class RecoveryTargetsTest {

  @Test
  void timesNeedTheirZoneAndParseToTheInstantMeant() {
    assertEquals(Instant.parse("2026-11-23T09:30:00Z"),
        RecoveryTargets.parseTime("2026-11-23 09:30:00+00"));
    assertEquals(Instant.parse("2026-11-23T09:30:00.123456Z"),
        RecoveryTargets.parseTime("2026-11-23T10:30:00.123456+01:00"));
  }

  @Test
  void oneValidTargetOfEachKindPasses() {
    for (RecoveryTarget good : new RecoveryTarget[] {null,
        new RecoveryTarget(null, null, null, null),
        new RecoveryTarget("2026-11-23 09:30:00+00", null, null, null),
        new RecoveryTarget(null, "0/9000168", null, null),
        new RecoveryTarget(null, null, "42", null),
        new RecoveryTarget(null, null, null, "before-migration 12:00"),
        new RecoveryTarget(null, null, null, "x".repeat(63))}) {
      assertDoesNotThrow(() -> RecoveryTargets.check(good), String.valueOf(good));
    }
  }

  @Test
  void everythingElseIsRefusedBeforeItReachesATool() {
    for (RecoveryTarget bad : new RecoveryTarget[] {
        new RecoveryTarget("yesterday", null, null, null),
        new RecoveryTarget("2026-11-23 09:30:00", null, null, null),
        new RecoveryTarget("now; rm -rf /", null, null, null),
        new RecoveryTarget(null, "0/XYZ", null, null),
        new RecoveryTarget(null, null, "12a", null),
        new RecoveryTarget(null, null, null, "x'; drop"),
        new RecoveryTarget(null, null, null, "x".repeat(64)),
        new RecoveryTarget("2026-11-23 09:30:00+00", "0/3000000", null, null)}) {
      assertThrows(IllegalArgumentException.class, () -> RecoveryTargets.check(bad),
          bad.toString());
    }
  }
}
