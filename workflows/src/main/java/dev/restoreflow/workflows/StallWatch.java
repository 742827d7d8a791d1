package dev.restoreflow.workflows;

import dev.restoreflow.workflows.activities.ServerActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Watches a running job for stalls: when neither its steps nor its running activity's heartbeat
 * details have changed for {@code stallAfter}, it reports the stall once (again only after the job
 * has moved and stalled anew). Looks four times per {@code stallAfter} (at least every 5 s).
 * Workflow-side, run as its own coroutine until {@code ended}.
 */
final class StallWatch {

  private final ServerActivities server;
  private final Duration stallAfter;
  private final BooleanSupplier ended;
  private final BooleanSupplier running;
  private final Consumer<Duration> onStall;

  /**
   * @param running whether the job is running a step now (not queued, not awaiting approval)
   * @param onStall told how long nothing has moved
   */
  StallWatch(ServerActivities server, Duration stallAfter, BooleanSupplier ended,
      BooleanSupplier running, Consumer<Duration> onStall) {
    this.server = server;
    this.stallAfter = stallAfter;
    this.ended = ended;
    this.running = running;
    this.onStall = onStall;
  }

  void watch(java.util.function.IntSupplier stepChanges) {
    Duration every = stallAfter.dividedBy(4).compareTo(Duration.ofSeconds(5)) < 0
        ? Duration.ofSeconds(5) : stallAfter.dividedBy(4);
    String workflowId = Workflow.getInfo().getWorkflowId();
    String lastMark = null;
    int lastSteps = -1;
    long movedAt = Workflow.currentTimeMillis();
    boolean reported = false;
    while (!Workflow.await(every, ended::getAsBoolean)) {
      if (!running.getAsBoolean()) {
        lastMark = null;
        movedAt = Workflow.currentTimeMillis();
        reported = false;
        continue;
      }
      String mark;
      try {
        mark = server.progressMark(workflowId);
      } catch (ActivityFailure e) {
        continue;   // Temporal did not answer: no news is not a stall
      }
      int steps = stepChanges.getAsInt();
      if (!mark.equals(lastMark) || steps != lastSteps) {
        lastMark = mark;
        lastSteps = steps;
        movedAt = Workflow.currentTimeMillis();
        reported = false;
        continue;
      }
      Duration still = Duration.ofMillis(Workflow.currentTimeMillis() - movedAt);
      if (!reported && still.compareTo(stallAfter) >= 0) {
        reported = true;
        onStall.accept(still);
      }
    }
  }
}
