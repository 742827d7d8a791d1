package dev.restoreflow.client;

import dev.restoreflow.workflows.HostQueueWorkflow;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import java.util.function.Function;

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
    enter(client, h -> state(client, h), host, entry);
  }

  /**
   * {@link #enter}, reading the queue with {@code reads}: a server's jobs that ask again at the
   * same time share the reads of their queue (see {@link HostQueueReads}).
   */
  public static void enter(WorkflowClient client, HostQueueReads reads, String host,
      QueueEntry entry) {
    enter(client, reads::read, host, entry);
  }

  private static void enter(WorkflowClient client, Function<String, QueueState> readQueue,
      String host, QueueEntry entry) {
    if (knows(readQueue, host, entry.workflowId())) {
      return;
    }
    request(client, host, entry);
  }

  /**
   * {@link #enter} for a job's first request, which the queue cannot know yet: sent without asking
   * the queue first. That query waits while the queue handles a workflow task, and a busy queue
   * takes one query at a time (the server refuses the others, "consistent query buffer is full",
   * and the SDK retries them a second later): under load it was most of a submission's time.
   */
  public static void enterFirstTime(WorkflowClient client, String host, QueueEntry entry) {
    request(client, host, entry);
  }

  private static void request(WorkflowClient client, String host, QueueEntry entry) {
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

  private static boolean knows(Function<String, QueueState> readQueue, String host,
      String workflowId) {
    try {
      return readQueue.apply(host).positionOf(workflowId) >= 0;
    } catch (WorkflowException | io.grpc.StatusRuntimeException noQueueOrNoAnswer) {
      return false;
    }
  }

  public static QueueState state(WorkflowClient client, String host) {
    return client.newWorkflowStub(HostQueueWorkflow.class, TaskQueues.hostQueueWorkflowId(host))
        .queue();
  }
}
