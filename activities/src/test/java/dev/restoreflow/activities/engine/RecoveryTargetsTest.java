package dev.restoreflow.activities.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.restoreflow.workflows.model.RecoveryTarget;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecoveryTargetsTest {

  @Test
  void timesWithAZoneInPostgresAndIsoFormsAreTargets() {
    assertEquals(Instant.parse("2026-11-23T09:30:00Z"),
        RecoveryTargets.parseTime("2026-11-23 09:30:00+00"));
    assertEquals(Instant.parse("2026-11-23T09:30:00.123456Z"),
        RecoveryTargets.parseTime("2026-11-23T10:30:00.123456+01:00"));
    RecoveryTargets.check(null);
    RecoveryTargets.check(new RecoveryTarget(null, "16/B374D848", null, null));
    RecoveryTargets.check(new RecoveryTarget(null, null, "4711", null));
    RecoveryTargets.check(new RecoveryTarget(null, null, null, "before-drill 1.2: ok"));
  }

  @Test
  void targetsThatCannotBePassedOnSafelyAreRefusedBeforeTheyReachPostgres() {
    for (RecoveryTarget bad : new RecoveryTarget[] {
        new RecoveryTarget("yesterday", null, null, null),
        new RecoveryTarget("2026-11-23 09:30:00", null, null, null),
        new RecoveryTarget(null, "0/XYZ", null, null),
        new RecoveryTarget(null, null, "12a", null),
        new RecoveryTarget(null, null, null, "x'; drop"),
        // PostgreSQL keeps 63 bytes of a restore point's name
        new RecoveryTarget(null, null, null, "n".repeat(64)),
        new RecoveryTarget("2026-11-23 09:30:00+00", "0/3000000", null, null)}) {
      assertThrows(IllegalArgumentException.class, () -> RecoveryTargets.check(bad),
          bad.toString());
    }
  }
}
