package dev.restoreflow.worker.http;

import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.ledger.StepRow;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.Heartbeats;
import dev.restoreflow.worker.PlanSummary;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.StepProgress;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Jobs as the API shows them: the ledger's row, and Temporal's live progress while it has the job. */
final class JobViews {

  private final RestoreflowClient restoreflow;
  private final JobLedger ledger;

  JobViews(RestoreflowClient restoreflow, JobLedger ledger) {
    this.restoreflow = restoreflow;
    this.ledger = ledger;
  }

  /**
   * The job, live: its progress, its place in the host's queue, and (when asked) the running
   * step's heartbeat; empty when neither Temporal nor the ledger knows it.
   */
  Optional<JobView> find(String jobId, boolean withHeartbeat) {
    Optional<JobRow> row = ledger.job(jobId);
    RestoreProgress progress = progress(jobId);
    if (progress == null) {
      return row.map(r -> of(r, ledger.steps(jobId).stream().map(JobViews::step).toList()));
    }
    String workflowId = row.map(JobRow::workflowId)
        .orElseGet(() -> restoreflow.workflowIdOf(jobId));
    String kind = row.map(JobRow::kind).orElse(
        workflowId.equals(TaskQueues.backupWorkflowId(jobId)) ? QueueEntry.BACKUP
            : workflowId.equals(TaskQueues.retentionWorkflowId(jobId)) ? QueueEntry.RETENTION
            : QueueEntry.RESTORE);
    boolean over = progress.state().isFinal();
    Integer position = null;
    if (!over && progress.host() != null) {
      try {
        position = restoreflow.queue(progress.host()).positionOf(workflowId);
      } catch (WorkflowNotFoundException noQueueYet) {
        position = null;
      }
    }
    Map<String, Object> heartbeat = withHeartbeat && !over ? heartbeat(workflowId) : null;
    List<JobView.Step> steps = progress.steps().stream().map(JobViews::step).toList();
    return Optional.of(new JobView(jobId, workflowId, kind,
        progress.instance() != null ? progress.instance() : row.map(JobRow::instance).orElse(null),
        progress.host() != null ? progress.host() : row.map(JobRow::host).orElse(null),
        progress.state().name(), progress.currentStep(), progress.backupId(), position,
        row.map(JobRow::requestedVia).orElse(null),
        row.map(r -> r.createdAt() > 0 ? r.createdAt() : null).orElse(null),
        row.map(r -> r.finishedAt() > 0 ? r.finishedAt() : null).orElse(null),
        progress.message(), progress.dataState(), row.map(JobRow::error).orElse(null), steps,
        heartbeat, progress.plan(), PlanSummary.rpo(progress.plan()),
        PlanSummary.rto(progress.plan()), row.map(JobRow::approval).orElse(null),
        row.map(JobRow::restoreMillis).orElse(null)));
  }

  /** The job as the ledger has it (a listing asks Temporal nothing, and shows no steps). */
  static JobView of(JobRow row, List<JobView.Step> steps) {
    return new JobView(row.jobId(), row.workflowId(), row.kind(), row.instance(), row.host(),
        row.status(), row.currentStep(), null, null, row.requestedVia(),
        row.createdAt() > 0 ? row.createdAt() : null,
        row.finishedAt() > 0 ? row.finishedAt() : null, null, null, row.error(), steps, null,
        null, null, null, row.approval(), row.restoreMillis());
  }

  private RestoreProgress progress(String jobId) {
    try {
      return restoreflow.progress(jobId);
    } catch (WorkflowNotFoundException | WorkflowQueryException gone) {
      return null;
    }
  }

  private static JobView.Step step(StepProgress s) {
    return new JobView.Step(s.name(), s.status().name(), s.startedAtMillis(), s.endedAtMillis(),
        s.durationMillis(), s.detail());
  }

  private static JobView.Step step(StepRow s) {
    return new JobView.Step(s.step(), s.status(), s.startedAt(), s.endedAt(),
        s.endedAt() > 0 && s.startedAt() > 0 ? s.endedAt() - s.startedAt() : 0, s.detail());
  }

  /** The running activity's last heartbeat details (files done, percent, ...), or null. */
  private Map<String, Object> heartbeat(String workflowId) {
    Heartbeats.Heartbeat beat = Heartbeats.latest(restoreflow, workflowId);
    return beat == null ? null : beat.details();
  }
}
