package dev.restoreflow.activities.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

  @Test
  void theDefaultsAreTheSeeds() {
    assertEquals(new RetentionPolicy(7, 4, 12, 3), RetentionPolicy.defaults());
  }

  @Test
  void flagsOverrideOneSettingEach() {
    RetentionPolicy policy = RetentionPolicy.defaults().withDaily(10).withWeekly(6)
        .withMonthly(24).withFull(5);
    assertEquals(new RetentionPolicy(10, 6, 24, 5), policy);
    assertEquals(24, policy.count(RetentionCategory.MONTHLY));
  }

  @Test
  void aCountOutOfRangeIsReportedByItsSetting() {
    var negative = assertThrows(IllegalArgumentException.class,
        () -> RetentionPolicy.defaults().withWeekly(-1));
    assertEquals("retention weekly must be between 0 and 10000 (got -1)", negative.getMessage());
    var huge = assertThrows(IllegalArgumentException.class,
        () -> RetentionPolicy.defaults().withFull(10_001));
    assertEquals("retention full must be between 0 and 10000 (got 10001)", huge.getMessage());
    assertEquals(0, RetentionPolicy.defaults().withDaily(0).daily());
    assertEquals(10_000, RetentionPolicy.defaults().withMonthly(10_000).monthly());
  }
}
