package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chaos harness's stand-in for systemd's Restart=on-failure. */
class SupervisedTest {

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aProcessThatExitsByItselfIsStartedAgainAfterItsDelayButAKilledOneIsNot()
      throws Exception {
    AtomicInteger starts = new AtomicInteger();
    // the first run exits at once (as a worker that cannot reach Temporal), the next ones stay
    Supervised.Starter starter = () -> RestoreflowProcess.of(new ProcessBuilder("sh", "-c",
        starts.incrementAndGet() == 1 ? "exit 1" : "exec sleep 60").start());
    try (Supervised supervised = new Supervised("test", starter, 1)) {
      long started = System.nanoTime();
      while (starts.get() < 2 && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10)) {
        Thread.sleep(50);
      }
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertEquals(2, starts.get(), "started again after it exited");
      assertTrue(waited >= 900, "after the delay: " + waited);
      assertEquals(1, supervised.restartsAfterExit());
      assertTrue(supervised.isAlive());

      supervised.kill9();
      assertFalse(supervised.isAlive());
      Thread.sleep(2000);
      assertEquals(2, starts.get(), "a kill by the test is the test's to undo");
      supervised.start();
      assertTrue(supervised.isAlive());
      assertEquals(3, starts.get());
    }
  }
}
