package dev.restoreflow.worker;

import dev.restoreflow.client.RestoreflowClient;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.Map;
import java.util.Optional;

/**
 * The running step's heartbeat, read from the job's pending activity on the server: what --follow,
 * the line gateway and the HTTP API's job view show.
 */
public final class Heartbeats {

  private Heartbeats() {}

  /**
   * A heartbeat's details (a JSON map) and when the server got it.
   *
   * @param nanos the heartbeat's time in nanoseconds since the epoch
   */
  public record Heartbeat(Map<String, Object> details, long nanos) {}

  /** The running activity's last heartbeat; null when there is none (yet) or it cannot be read. */
  public static Heartbeat latest(RestoreflowClient restoreflow, String workflowId) {
    try {
      WorkflowClient client = restoreflow.workflowClient();
      var response = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
              .build());
      for (PendingActivityInfo activity : response.getPendingActivitiesList()) {
        if (!activity.hasHeartbeatDetails()) {
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> details = DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(0,
            Optional.of(activity.getHeartbeatDetails()), Map.class, Map.class);
        if (details == null) {
          continue;
        }
        long nanos = activity.hasLastHeartbeatTime()
            ? activity.getLastHeartbeatTime().getSeconds() * 1_000_000_000L
                + activity.getLastHeartbeatTime().getNanos()
            : System.currentTimeMillis() * 1_000_000L;
        return new Heartbeat(details, nanos);
      }
    } catch (RuntimeException e) {
      return null;   // a look that failed: the next one may not
    }
    return null;
  }

  /**
   * The heartbeat in a few words for people: {@code 42% of 25.7 MiB (10.8 MiB done)}, or the
   * step's own words; null when it says nothing.
   */
  public static String said(Map<String, Object> details) {
    StepBeat beat = StepBeat.of(details);
    if (beat == null) {
      return null;
    }
    if (beat.hasBytes()) {
      return ProgressText.percent(beat.bytesDone(), beat.bytesTotal()) + "% of "
          + Bytes.human(beat.bytesTotal()) + " (" + Bytes.human(beat.bytesDone()) + " done)";
    }
    return beat.text();
  }
}
