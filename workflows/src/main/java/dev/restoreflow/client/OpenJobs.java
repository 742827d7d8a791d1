package dev.restoreflow.client;

import dev.restoreflow.workflows.RestoreWorkflow;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The open jobs of a host, for a host queue that starts fresh. The jobs the ledger saw get their
 * turn ({@code running}) are asked themselves whether they still hold the host; the queued ones
 * are taken as they are, without a call each (a job that has ended meanwhile is skipped when its
 * grant finds it gone), so that a long queue is recovered quickly.
 */
public final class OpenJobs {

  private OpenJobs() {}

  /**
   * @param granted jobs the ledger saw get the host and not end
   * @param queued jobs the ledger saw wait for the host and not end
   * @throws RuntimeException when Temporal does not answer (the caller retries)
   */
  public static QueueState of(WorkflowClient client, String host, List<QueueEntry> granted,
      List<QueueEntry> queued) {
    Comparator<QueueEntry> oldestFirst = Comparator.comparingLong(QueueEntry::submittedAtMillis);
    List<QueueEntry> holders = new ArrayList<>();
    for (QueueEntry job : granted) {
      if (holdsTheHost(client, job.workflowId())) {
        holders.add(job);
      }
    }
    holders.sort(oldestFirst);
    List<QueueEntry> waiting = new ArrayList<>(queued);
    waiting.sort(oldestFirst);
    List<QueueEntry> next = new ArrayList<>(holders.subList(Math.min(1, holders.size()),
        holders.size()));
    next.addAll(waiting);
    return new QueueState(host, holders.isEmpty() ? null : holders.get(0), next, null);
  }

  private static boolean holdsTheHost(WorkflowClient client, String workflowId) {
    try {
      WorkflowExecutionStatus status = client.newUntypedWorkflowStub(workflowId).describe()
          .getStatus();
      if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return false;
      }
      // a job awaiting approval holds the host too: it planned there and goes on once approved
      JobState state = client.newWorkflowStub(RestoreWorkflow.class, workflowId).progress().state();
      return state == JobState.RUNNING || state == JobState.AWAITING_APPROVAL;
    } catch (WorkflowNotFoundException gone) {
      return false;
    } catch (WorkflowQueryException cannotAnswer) {
      // an open job that cannot say whether it holds the host may hold it: the safe answer
      return true;
    }
  }
}
