package dev.restoreflow.activities.server;

import dev.restoreflow.workflows.model.ProvenBackup;
import dev.restoreflow.workflows.model.RestoreEstimate;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.config.Inventory;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.HostQueueReads;
import dev.restoreflow.client.HostQueues;
import dev.restoreflow.client.OpenJobs;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.ResolvedBackup;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.StepInput;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.List;

/** The server side of a job: the request resolver, the host queue, the ledger. */
public class ServerActivitiesImpl implements ServerActivities {

  private final RequestResolver resolver;
  private final JobLedger ledger;
  private final WorkflowClient client;
  private final TurnRequests turnRequests = new TurnRequests();
  private final HostQueueReads queueReads;

  public ServerActivitiesImpl(Inventory config, JobLedger ledger, WorkflowClient client) {
    this.resolver = new RequestResolver(config);
    this.ledger = ledger;
    this.client = client;
    this.queueReads = new HostQueueReads(client);
  }

  @Override
  public ResolvedRestore resolveRestore(String jobId, RestoreRequest request) {
    try {
      return resolver.resolveRestore(jobId, request);
    } catch (RequestRejectedException e) {
      throw Failures.of(e.type(), e.getMessage());
    }
  }

  @Override
  public ResolvedBackup resolveBackup(String jobId, BackupRequest request) {
    try {
      return resolver.resolveBackup(jobId, request);
    } catch (RequestRejectedException e) {
      throw Failures.of(e.type(), e.getMessage());
    }
  }

  @Override
  public void requestTurn(String host, QueueEntry entry) {
    if (turnRequests.isFirst(entry.workflowId())) {
      HostQueues.enterFirstTime(client, host, entry);
    } else {
      HostQueues.enter(client, queueReads, host, entry);
    }
  }

  @Override
  public boolean isWorkflowOpen(String workflowId) {
    try {
      WorkflowExecutionStatus status = client.newUntypedWorkflowStub(workflowId).describe()
          .getStatus();
      return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  @Override
  public QueueState openJobsOn(String host) {
    List<JobRow> open = ledger.openJobs().stream()
        .filter(job -> host.equals(job.host()) && job.workflowId() != null
            && (QueueEntry.RESTORE.equals(job.kind()) || QueueEntry.BACKUP.equals(job.kind())
                || QueueEntry.RETENTION.equals(job.kind())))
        .toList();
    return OpenJobs.of(client, host, entries(open, JobState.RUNNING),
        entries(open, JobState.QUEUED));
  }

  private static List<QueueEntry> entries(List<JobRow> jobs, JobState state) {
    return jobs.stream().filter(job -> state.name().equals(job.status()))
        .map(job -> new QueueEntry(job.workflowId(), job.jobId(), job.instance(), job.createdAt(),
            job.kind()))
        .toList();
  }

  @Override
  public List<StepInput> catalogTargets(String instance) {
    try {
      List<String> names = instance != null ? List.of(instance)
          : new java.util.TreeSet<>(resolver.config().instances().keySet()).stream().toList();
      return names.stream()
          .map(name -> new StepInput("catalog", name, resolver.instance(name).host()))
          .toList();
    } catch (RequestRejectedException e) {
      throw Failures.of(e.type(), e.getMessage());
    }
  }

  @Override
  public void recordJobEvent(JobEvent event) {
    ledger.record(event);
  }
  @Override
  public RestoreEstimate estimateRestore(String instance, String engine, long dataBytes) {
    throw new UnsupportedOperationException("issue 17: estimateRestore (H4)");
  }

  @Override
  public String progressMark(String workflowId) {
    return ProgressMarks.of(client, workflowId);
  }

  @Override
  public List<ProvenBackup> provenBackups(String instance) {
    throw new UnsupportedOperationException("issue 17: provenBackups (H4)");
  }

}
