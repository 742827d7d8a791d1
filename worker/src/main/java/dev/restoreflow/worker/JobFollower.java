package dev.restoreflow.worker;

import dev.restoreflow.client.RestoreflowClient;
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

/** Prints a job's steps as they happen, with the running step's heartbeat (files, %). */
final class JobFollower {

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
        String beat = heartbeat(jobId);
        if (beat != null && !beat.equals(lastHeartbeat)) {
          out.printf("  %-17s %s%n", running, beat);
          lastHeartbeat = beat;
        }
      }
      if (progress.state().isFinal()) {
        return progress;
      }
      Thread.sleep(500);
    }
    return progress;
  }

  /** The running activity's heartbeat details, e.g. "42% (420/1000 files)". */
  private String heartbeat(String jobId) {
    try {
      WorkflowClient client = restoreflow.workflowClient();
      var response = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder()
                  .setWorkflowId(restoreflow.workflowIdOf(jobId)))
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
