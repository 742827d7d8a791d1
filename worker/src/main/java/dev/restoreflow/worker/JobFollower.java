package dev.restoreflow.worker;

import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Prints a job's steps as they happen, with the running step's heartbeat (files, %). */
final class JobFollower {

  private static final Duration LOOK_AGAIN = Duration.ofMillis(500);
  /** Among the printed step names: the job's wait for approval, said once. */
  private static final String AWAITING = " awaiting approval";

  private final RestoreflowClient restoreflow;
  private final PrintStream out;

  JobFollower(RestoreflowClient restoreflow, PrintStream out) {
    this.restoreflow = restoreflow;
    this.out = out;
  }

  /** Follows until the job ends; returns its last progress. */
  RestoreProgress follow(String jobId, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    Set<String> printed = new HashSet<>();
    String lastRunning = null;
    String lastHeartbeat = null;
    String workflowId = restoreflow.workflowIdOf(jobId);
    CompletableFuture<Void> closed = restoreflow.whenClosed(workflowId);
    RestoreProgress progress = restoreflow.progress(jobId);
    while (System.nanoTime() < deadline) {
      progress = restoreflow.progress(jobId);
      for (StepProgress step : progress.steps()) {
        boolean ended = step.status() != StepStatus.PENDING && step.status() != StepStatus.RUNNING;
        if (ended && printed.add(step.name())) {
          out.println(Timeline.line(step));
        }
      }
      String running = progress.currentStep();
      if (running != null && !running.equals(lastRunning)) {
        out.printf("  %-17s running ...%n", running);
        lastRunning = running;
      }
      if (running != null) {
        String beat = heartbeat(workflowId);
        if (beat != null && !beat.equals(lastHeartbeat)) {
          out.printf("  %-17s %s%n", running, beat);
          lastHeartbeat = beat;
        }
      }
      if (progress.state() == JobState.AWAITING_APPROVAL && printed.add(AWAITING)) {
        PlanSummary.awaitingApproval(jobId, progress.plan()).forEach(out::println);
      }
      if (progress.state().isFinal()) {
        return progress;
      }
      waitForNextLookOrEnd(closed);
    }
    return progress;
  }

  /**
   * Half a second, or less when the job ends meanwhile. A wait that ended without the job's end
   * (the long poll failed, or the look came just before the end) is a plain half second.
   */
  private static void waitForNextLookOrEnd(CompletableFuture<Void> closed)
      throws InterruptedException {
    if (closed.isDone()) {
      Thread.sleep(LOOK_AGAIN.toMillis());
      return;
    }
    try {
      closed.get(LOOK_AGAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException stillRunning) {
      // time for the next look
    } catch (ExecutionException cannotHappen) {
      // whenClosed completes normally however the job ends
    }
  }

  private static long number(Map<String, Object> details, String key) {
    return details.get(key) instanceof Number n ? n.longValue() : 0;
  }

  /** The running activity's heartbeat details, e.g. "42% (420/1000 files)". */
  private String heartbeat(String workflowId) {
    try {
      WorkflowClient client = restoreflow.workflowClient();
      var response = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder()
                  .setWorkflowId(workflowId))
              .build());
      for (PendingActivityInfo activity : response.getPendingActivitiesList()) {
        if (!activity.hasHeartbeatDetails()) {
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> details = DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(0,
            Optional.of(activity.getHeartbeatDetails()), Map.class, Map.class);
        if (details != null && details.get("filesTotal") instanceof Number total
            && total.longValue() > 0) {
          return details.get("percent") + "% (" + details.get("filesDone") + "/" + total
              + " files, attempt " + details.get("attempt") + ")";
        }
        if (details != null && details.get("backupBytes") instanceof Number backup
            && backup.longValue() > 0) {   // pgBackRest's restore
          return details.get("percent") + "% (" + details.get("filesWritten") + " files written, "
              + details.get("filesKept") + " kept; " + Bytes.human(number(details,
                  "bytesInDataDir")) + " in the data directory, backup " + Bytes.human(
                  backup.longValue()) + ", attempt " + details.get("attempt") + ")";
        }
        if (details != null && details.get("backupId") instanceof String id) {
          return "backup " + id + (details.get("lastLine") instanceof String line
              && !line.isBlank() ? ": " + line : "");
        }
      }
    } catch (RuntimeException e) {
      return null;
    }
    return null;
  }
}
