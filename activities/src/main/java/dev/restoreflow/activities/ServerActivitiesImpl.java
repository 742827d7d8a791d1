package dev.restoreflow.activities;

import dev.restoreflow.activities.basebackup.BaseBackupLayout;
import dev.restoreflow.activities.config.HostNotAllowedException;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.RestoreflowConfig;
import dev.restoreflow.activities.engine.BackupIds;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.client.HostQueues;
import dev.restoreflow.client.OpenJobs;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreRequest;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.List;
import java.util.TreeSet;

/** The server side of a job: config checks, the host queue, the ledger. */
public class ServerActivitiesImpl implements dev.restoreflow.workflows.activities.ServerActivities {

  private final RestoreflowConfig config;
  private final JobLedger ledger;
  private final WorkflowClient client;

  public ServerActivitiesImpl(RestoreflowConfig config, JobLedger ledger, WorkflowClient client) {
    this.config = config;
    this.ledger = ledger;
    this.client = client;
  }

  @Override
  public ResolvedRestore resolveRestore(String jobId, RestoreRequest request) {
    if (request == null || request.instance() == null || request.instance().isBlank()) {
      throw Failures.of(FailureType.INVALID_REQUEST, "a restore needs an instance, e.g."
          + " {\"instance\":\"main1\"}");
    }
    InstanceConfig instance = config.instance(request.instance()).orElseThrow(() -> Failures.of(
        FailureType.UNKNOWN_INSTANCE, "instance '" + request.instance() + "' is not configured;"
            + " configured: " + String.join(", ", new TreeSet<>(config.instances().keySet()))));
    String host = request.host() != null ? request.host() : instance.host();
    if (!config.hosts().containsKey(host)) {
      throw Failures.of(FailureType.UNKNOWN_HOST, "host '" + host + "' is not configured;"
          + " configured: " + String.join(", ", new TreeSet<>(config.hosts().keySet())));
    }
    try {
      config.requireRestoreHost(request.instance(), host);
    } catch (HostNotAllowedException e) {
      throw Failures.of(FailureType.HOST_NOT_ALLOWED, e.getMessage());
    }
    if (request.backupId() != null) {
      checkBackupId(instance.engine(), request.backupId());
    }
    return new ResolvedRestore(jobId, request.instance(), host, instance.engine(),
        !Boolean.FALSE.equals(instance.promote()));
  }

  /** Backup ids differ per engine; anything else never reaches a host. */
  private static void checkBackupId(String engine, String id) {
    if (InstanceConfig.BASEBACKUP.equals(engine)) {
      if (!BaseBackupLayout.BACKUP_ID.matcher(id).matches()) {
        throw Failures.of(FailureType.INVALID_REQUEST, "'" + id + "' is not a basebackup id"
            + " (its UTC start time, e.g. 20261123T091500Z)");
      }
    } else if (!BackupIds.isValid(id)) {
      throw Failures.of(FailureType.INVALID_REQUEST, "'" + id
          + "' is not a backup id (six characters of 0-9 and A-Z, e.g. SCUN1Q)");
    }
  }

  @Override
  public void requestTurn(String host, QueueEntry entry) {
    HostQueues.enqueue(client, host, entry);
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
        .filter(job -> host.equals(job.host()) && "restore".equals(job.kind())
            && job.workflowId() != null)
        .toList();
    return OpenJobs.of(client, host, entries(open, JobState.RUNNING),
        entries(open, JobState.QUEUED));
  }

  private static List<QueueEntry> entries(List<JobRow> jobs, JobState state) {
    return jobs.stream().filter(job -> state.name().equals(job.status()))
        .map(job -> new QueueEntry(job.workflowId(), job.jobId(), job.instance(), job.createdAt()))
        .toList();
  }

  @Override
  public void recordJobEvent(JobEvent event) {
    ledger.record(event);
  }
}
