package dev.restoreflow.it;

import com.google.protobuf.Empty;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.temporal.api.testservice.v1.SleepRequest;
import io.temporal.api.testservice.v1.TestServiceGrpc;
import io.temporal.serviceclient.TestServiceStubs;
import io.temporal.serviceclient.TestServiceStubsOptions;

/**
 * The embedded server's clock. It runs at real speed (time skipping locked, as {@code restoreflow
 * dev} has it), so a cron workflow's first run waits for the next whole minute of real time. A
 * test that would only wait for that moves the server's clock on to it instead, through the test
 * server's own TestService: the cron still fires by its schedule, on the server's time. Time
 * skipping stops while an activity runs, so nothing in flight is cut short.
 */
final class EmbeddedClock {

  private EmbeddedClock() {}

  /** Moves the embedded server at {@code target} to half a second past its next whole minute. */
  static void skipToNextMinute(String target) {
    TestServiceStubs stubs = TestServiceStubs.newServiceStubs(
        TestServiceStubsOptions.newBuilder().setTarget(target).validateAndBuildWithDefaults());
    try {
      TestServiceGrpc.TestServiceBlockingStub clock = stubs.blockingStub();
      long now = Timestamps.toMillis(clock.getCurrentTime(Empty.getDefaultInstance()).getTime());
      long toNextMinute = 60_000 - now % 60_000 + 500;
      clock.unlockTimeSkippingWithSleep(SleepRequest.newBuilder()
          .setDuration(Durations.fromMillis(toNextMinute)).build());
    } finally {
      stubs.shutdownNow();
    }
  }
}
