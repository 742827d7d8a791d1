package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.workflows.model.RestoreProgress;
import java.time.Duration;

/** Waiting for a job to reach a step, as the tests that interrupt a step need. */
final class JobWaits {

  private JobWaits() {}

  /** Polls the job's progress until {@code step} runs; fails if the job ends first. */
  static RestoreProgress awaitStep(RestoreflowClient restoreflow, String jobId, String step)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      RestoreProgress progress = restoreflow.progress(jobId);
      if (step.equals(progress.currentStep())) {
        return progress;
      }
      assertTrue(!progress.state().isFinal(), "job ended before " + step + ": " + progress);
      Thread.sleep(100);
    }
    throw new AssertionError("job " + jobId + " never reached " + step);
  }

  /** The step runs and has been at work for {@code seconds}. */
  static void awaitStepUnderWay(RestoreflowClient restoreflow, String jobId, String step,
      int seconds) throws InterruptedException {
    awaitStep(restoreflow, jobId, step);
    Thread.sleep(seconds * 1000L);
  }
}
