package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The one-at-a-time guard of a host (workflow id {@code host-queue:<host>}): jobs ask for a
 * turn, get it in FIFO order, and give it back when they end. Runs forever, continuing as new
 * to keep its history short.
 */
@WorkflowInterface
public interface HostQueueWorkflow {

  @WorkflowMethod
  void run(QueueState state);

  /** A job asks for the host. Asking twice is the same as once. */
  @SignalMethod
  void request(QueueEntry entry);

  /** A job is done with the host (or no longer wants it). */
  @SignalMethod
  void release(String workflowId);

  @QueryMethod
  QueueState queue();
}
