package dev.restoreflow.client;

import dev.restoreflow.workflows.RestoreWorkflow;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.RestoreProgress;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which of a host's candidate jobs (from the ledger) are still open in Temporal, and which of
 * them holds the host: a job's own state says whether its queue granted it the host.
 */
public final class OpenJobs {

  private OpenJobs() {}

  /**
   * @param candidates jobs the server knows of on {@code host} that it has not seen end
   * @throws RuntimeException when Temporal does not answer (the caller retries)
   */
  public static QueueState of(WorkflowClient client, String host, List<QueueEntry> candidates) {
    List<QueueEntry> holders = new ArrayList<>();
    List<QueueEntry> waiting = new ArrayList<>();
    for (QueueEntry job : candidates) {
      JobState state = stateOf(client, job.workflowId());
      if (state == JobState.RUNNING) {
        holders.add(job);
      } else if (state == JobState.QUEUED || state == JobState.RESOLVING) {
        waiting.add(job);
      }
    }
    Comparator<QueueEntry> oldestFirst = Comparator.comparingLong(QueueEntry::submittedAtMillis);
    holders.sort(oldestFirst);
    waiting.sort(oldestFirst);
    List<QueueEntry> next = new ArrayList<>(holders.subList(Math.min(1, holders.size()),
        holders.size()));
    next.addAll(waiting);
    return new QueueState(host, holders.isEmpty() ? null : holders.get(0), next, null);
  }

  /** The job's state, or null when it is not open any more. */
  private static JobState stateOf(WorkflowClient client, String workflowId) {
    try {
      WorkflowExecutionStatus status = client.newUntypedWorkflowStub(workflowId).describe()
          .getStatus();
      if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return null;
      }
      try {
        RestoreProgress progress = client.newWorkflowStub(RestoreWorkflow.class, workflowId)
            .progress();
        return progress.state();
      } catch (WorkflowQueryException cannotAnswer) {
        // an open job that cannot say whether it holds the host may hold it: the safe answer
        return JobState.RUNNING;
      }
    } catch (WorkflowNotFoundException gone) {
      return null;
    }
  }
}
