package dev.restoreflow.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What WorkInFlight keeps of a step's ordinary life: the work's result comes back, its progress is
 * the heartbeat, and a cancelled step stops its work and waits for it to end. (A lost attempt
 * needs a Temporal server that goes away: TemporalDownIT.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkInFlightTest {

  @ActivityInterface
  public interface Step {
    String work();
  }

  private TestActivityEnvironment environment;
  private final WorkInFlight inFlight = new WorkInFlight();
  private final AtomicBoolean stopSeen = new AtomicBoolean();
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile boolean finishAtOnce;

  @BeforeEach
  void setUp() {
    environment = TestActivityEnvironment.newInstance();
    environment.registerActivitiesImplementations((Step) () -> inFlight.run(
        new WorkInFlight.Work<>(() -> "half-way", () -> { }, stop -> {
          started.countDown();
          while (!finishAtOnce && !stop.getAsBoolean()) {
            sleep(20);
          }
          stopSeen.set(stop.getAsBoolean());
          return "done";
        }, true)));
  }

  @AfterEach
  void tearDown() {
    environment.close();
  }

  private Step stub() {
    return environment.newActivityStub(Step.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setHeartbeatTimeout(Duration.ofSeconds(10))
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @Test
  void theWorksResultComesBackAndItsProgressIsTheHeartbeat() {
    List<String> beats = new CopyOnWriteArrayList<>();
    environment.setActivityHeartbeatListener(String.class, beats::add);
    finishAtOnce = false;
    new Thread(() -> {
      await(started);
      sleep(2_500);
      finishAtOnce = true;
    }).start();
    assertEquals("done", stub().work());
    assertTrue(beats.contains("half-way"), "heartbeats: " + beats);
  }

  @Test
  void aCancelledStepStopsItsWorkAndWaitsForItToEnd() {
    new Thread(() -> {
      await(started);
      environment.requestCancelActivity();
    }).start();
    assertThrows(CanceledFailure.class, () -> stub().work());
    assertTrue(stopSeen.get(), "the work was told to stop, and ended before the step did");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
