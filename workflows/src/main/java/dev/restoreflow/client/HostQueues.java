package dev.restoreflow.client;

import dev.restoreflow.workflows.HostQueueWorkflow;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;

/** Puts a job in its host's queue, starting the queue if it is not running (signal-with-start). */
public final class HostQueues {

  private HostQueues() {}

  public static void enqueue(WorkflowClient client, String host, QueueEntry entry) {
    for (int attempt = 1; ; attempt++) {
      // a stub that has started (or tried to start) a workflow cannot be used for another try
      HostQueueWorkflow queue = client.newWorkflowStub(HostQueueWorkflow.class,
          WorkflowOptions.newBuilder()
              .setWorkflowId(TaskQueues.hostQueueWorkflowId(host))
              .setTaskQueue(TaskQueues.SERVER)
              .build());
      BatchRequest batch = client.newSignalWithStartRequest();
      batch.add(queue::run, QueueState.empty(host));
      batch.add(queue::request, entry);
      try {
        client.signalWithStart(batch);
        return;
      } catch (WorkflowExecutionAlreadyStarted raced) {
        // the embedded test server's signal-with-start is not atomic: another one (the job's own
        // request for its turn) started the queue in between; now it runs, so this one signals
        if (attempt == 3) {
          throw raced;
        }
      }
    }
  }

  public static QueueState state(WorkflowClient client, String host) {
    return client.newWorkflowStub(HostQueueWorkflow.class, TaskQueues.hostQueueWorkflowId(host))
        .queue();
  }
}
