package dev.restoreflow.client;

import dev.restoreflow.workflows.HostQueueWorkflow;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;

/** A host's queue as clients see it: its state, and how a job enters it. */
public final class HostQueues {

  private HostQueues() {}

  /**
   * Puts the job in its host's queue unless the queue knows it already, starting the queue if it
   * is not running (signal-with-start). Only the job's own workflow calls this (the server's
   * requestTurn), so each job enters once; when the queue cannot be asked, the request is sent
   * anyway (the queue ignores a job it knows). A failure (e.g. two jobs starting the same queue
   * at once) is the caller's to retry.
   */
  public static void enter(WorkflowClient client, String host, QueueEntry entry) {
    if (knows(client, host, entry.workflowId())) {
      return;
    }
    HostQueueWorkflow queue = client.newWorkflowStub(HostQueueWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(TaskQueues.hostQueueWorkflowId(host))
            .setTaskQueue(TaskQueues.SERVER)
            .build());
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(queue::run, QueueState.empty(host));
    batch.add(queue::request, entry);
    client.signalWithStart(batch);
  }

  private static boolean knows(WorkflowClient client, String host, String workflowId) {
    try {
      return state(client, host).positionOf(workflowId) >= 0;
    } catch (WorkflowException | io.grpc.StatusRuntimeException noQueueOrNoAnswer) {
      return false;
    }
  }

  public static QueueState state(WorkflowClient client, String host) {
    return client.newWorkflowStub(HostQueueWorkflow.class, TaskQueues.hostQueueWorkflowId(host))
        .queue();
  }
}
