package dev.restoreflow.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScheduleTimingTest {

  @Test
  void cronNeedsFiveSaneFields() {
    assertEquals("0 3 * * *", ScheduleTiming.cron("  0  3 * * * ").cron());
    assertEquals("*/15 1-5 * JAN MON,FRI", ScheduleTiming.cron("*/15 1-5 * JAN MON,FRI").cron());
    for (String bad : new String[] {"", "0 3 * *", "0 3 * * * *", "0 3 * * $(id)", "@every 10s",
        "0;rm 3 * * *"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ScheduleTiming.cron(bad), bad);
      assertTrue(e.getMessage().contains("cron"), e.getMessage());
    }
  }

  @Test
  void intervalsHaveAUnitAndAFloor() {
    assertEquals(Duration.ofSeconds(30), ScheduleTiming.every("30s").every());
    assertEquals(Duration.ofMinutes(15), ScheduleTiming.every("15m").every());
    assertEquals(Duration.ofDays(1), ScheduleTiming.every("1d").every());
    assertEquals("every 6h", ScheduleTiming.every("6h").describe());
    for (String bad : new String[] {"", "10", "1w", "-5m", "0s", "2s", "99999999d", "5 m"}) {
      assertThrows(IllegalArgumentException.class, () -> ScheduleTiming.every(bad), bad);
    }
  }
}
