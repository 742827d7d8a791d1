package dev.restoreflow.worker.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

  @Test
  void waitsDoubleUpToTenSeconds() {
    ReconnectBackoff backoff = new ReconnectBackoff(() -> 0.0);
    assertEquals(Duration.ofMillis(250), backoff.getWaitTime(1));
    assertEquals(Duration.ofMillis(500), backoff.getWaitTime(2));
    assertEquals(Duration.ofSeconds(8), backoff.getWaitTime(6));
    assertEquals(Duration.ofSeconds(10), backoff.getWaitTime(7));
    assertEquals(Duration.ofSeconds(10), backoff.getWaitTime(Long.MAX_VALUE));
    assertEquals(Duration.ofMillis(250), backoff.getWaitTime(0));
  }

  @Test
  void eachWaitIsShortenedByAtMostAQuarter() {
    assertEquals(Duration.ofMillis(8750), new ReconnectBackoff(() -> 0.5).getWaitTime(100));
    assertEquals(Duration.ofMillis(7501), new ReconnectBackoff(() -> 0.999_999)
        .getWaitTime(100));
  }
}
