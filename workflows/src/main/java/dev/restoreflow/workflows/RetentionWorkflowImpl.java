package dev.restoreflow.workflows;

import static dev.restoreflow.workflows.Steps.APPLY_RETENTION;
import static dev.restoreflow.workflows.Steps.PLAN_RETENTION;

import dev.restoreflow.workflows.activities.RetentionActivities;
import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.ResolvedBackup;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RetentionInput;
import dev.restoreflow.workflows.model.RetentionReport;
import dev.restoreflow.workflows.model.RetentionRequest;
import dev.restoreflow.workflows.model.RetentionResult;
import dev.restoreflow.workflows.model.StepInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One retention job: resolve the instance, wait for the host's turn (shared with backups and
 * restores), then PlanRetention and, when applying, ApplyRetention on the host's worker. A dry
 * run shows ApplyRetention as skipped. The cluster is never touched; only backups are deleted.
 */
public class RetentionWorkflowImpl implements RetentionWorkflow {

  private static final String UNTOUCHED = "untouched (retention deletes backups only)";

  private final ServerActivities server =
      Workflow.newLocalActivityStub(ServerActivities.class, RestoreWorkflowImpl.SERVER_SIDE);
  private final StepTracker steps = new StepTracker(Steps.RETENTION_STEPS.stream()
      .map(PlannedStep::run).toList());

  private String jobId;
  private RetentionRequest request;
  private ResolvedBackup target;
  private JobBook book;
  private boolean granted;
  /** Set by version {@link RestoreWorkflowImpl#READABLE_HISTORY}. */
  private boolean readable;

  @Override
  public RetentionResult retention(RetentionRequest retentionRequest) {
    WorkflowInfo info = Workflow.getInfo();
    jobId = TaskQueues.jobIdOf(info.getWorkflowId());
    request = retentionRequest;
    readable = Workflow.getVersion(RestoreWorkflowImpl.READABLE_HISTORY,
        Workflow.DEFAULT_VERSION, 1) == 1;
    book = new JobBook(server, QueueEntry.RETENTION, jobId, steps, this::subject, readable);
    try {
      target = (readable ? Summaries.local(ServerActivities.class,
          RestoreWorkflowImpl.SERVER_SIDE, "resolve retention of "
              + (request == null ? "?" : request.instance())) : server).resolveBackup(jobId, new BackupRequest(request.instance(), null, null,
          request.requestedBy(), request.requestedVia()));
    } catch (ActivityFailure e) {
      upsertSearchAttributes();
      book.failed(e);
      throw JobFailures.of(e, null);
    }
    upsertSearchAttributes();
    book.enter(JobState.QUEUED);
    QueueEntry turn = new QueueEntry(info.getWorkflowId(), jobId, target.instance(),
        info.getRunStartedTimestampMillis(), QueueEntry.RETENTION);
    HostTurn hostTurn = new HostTurn(server, jobId, readable);
    boolean reasks = hostTurn.enter(target.host(), turn);
    try {
      hostTurn.awaitGrant(target.host(), turn, reasks, () -> granted);
      book.enter(JobState.RUNNING);
      RetentionResult result = runSteps();
      book.recordState();
      return result;
    } catch (CanceledFailure e) {
      Workflow.newDetachedCancellationScope(() -> book.cancelled("cancelled")).run();
      throw e;
    } catch (ActivityFailure e) {
      if (JobFailures.isCancellation(e)) {
        Workflow.newDetachedCancellationScope(() -> book.cancelled("cancelled")).run();
        throw new CanceledFailure("retention cancelled during " + e.getActivityType());
      }
      Workflow.newDetachedCancellationScope(() -> {
        steps.skipPending("an earlier step failed");
        book.failed(e);
      }).run();
      throw JobFailures.of(e, null);
    } finally {
      Workflow.newDetachedCancellationScope(() -> hostTurn.release(target.host())).run();
    }
  }

  private RetentionResult runSteps() {
    String hostQueue = TaskQueues.forHost(target.host());
    String where = target.instance() + " on " + target.host();
    RetentionActivities quick = stub(RestoreWorkflowImpl.PLANNING.toBuilder()
        .setTaskQueue(hostQueue)
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED).build(),
        "plan retention of " + where + (request.apply() ? "" : " (dry run)"));
    RetentionInput input = new RetentionInput(new StepInput(jobId, target.instance(),
        target.host()), request.daily(), request.weekly(), request.monthly(), request.full());
    RetentionReport report = step(PLAN_RETENTION, () -> quick.planRetention(input),
        r -> new StepResult(PLAN_RETENTION, 0, 0, describe(r)));
    List<String> deleted = List.of();
    if (!request.apply()) {
      steps.skip(APPLY_RETENTION, "dry run");
      book.end(JobState.PLANNED, "dry run: would delete " + report.toDelete().size() + " of "
          + report.verdicts().size() + " backup(s)");
    } else if (report.toDelete().isEmpty()) {
      steps.skip(APPLY_RETENTION, "nothing to delete");
      book.end(JobState.SUCCEEDED, "nothing to delete: the policy keeps all "
          + report.verdicts().size() + " backup(s)");
    } else {
      step(APPLY_RETENTION, () -> stub(RestoreWorkflowImpl.LONG_RUNNING.toBuilder()
          .setTaskQueue(hostQueue)
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED).build(),
          "delete " + report.toDelete().size() + " backup(s) of " + where + ": "
              + String.join(", ", report.toDelete()))
          .applyRetention(input, report.toDelete()), r -> r);
      deleted = report.toDelete();
      book.end(JobState.SUCCEEDED, "deleted " + deleted.size() + " of "
          + report.verdicts().size() + " backup(s)");
    }
    return new RetentionResult(jobId, target.instance(), target.host(), book.state(),
        request.apply(), report, deleted, steps.snapshot(), book.message());
  }

  private static String describe(RetentionReport report) {
    return report.policy() + ": keeps " + (report.verdicts().size() - report.toDelete().size())
        + ", deletes " + report.toDelete().size()
        + (report.toDelete().isEmpty() ? "" : " (" + String.join(", ", report.toDelete()) + ")");
  }

  /** Runs one step, keeping the tracker and the ledger up to date. */
  private <T> T step(String name, Supplier<T> body, Function<T, StepResult> summary) {
    return new StepRuns(jobId, steps, book.ledger()).run(name, body, summary);
  }

  /** A step's stub, with its summary from {@link RestoreWorkflowImpl#READABLE_HISTORY} on. */
  private RetentionActivities stub(io.temporal.activity.ActivityOptions options, String summary) {
    return Summaries.activity(RetentionActivities.class, options, readable ? summary : null);
  }

  private void upsertSearchAttributes() {
    Workflow.upsertTypedSearchAttributes(JobSearchAttributes.of(jobId, instance(),
        target == null ? null : target.host(), target == null ? null : target.engine(), via()));
  }

  private String instance() {
    return target != null ? target.instance() : request == null ? null : request.instance();
  }

  private String via() {
    return request == null || request.requestedVia() == null ? "temporal" : request.requestedVia();
  }

  private JobRecorder.Subject subject() {
    return new JobRecorder.Subject(instance(), target == null ? null : target.host(), via(), null,
        null);
  }

  @Override
  public void grant() {
    granted = true;
  }

  @Override
  public RestoreProgress progress() {
    return new RestoreProgress(jobId, instance(), target != null ? target.host() : null,
        book.state(), steps.current(), null, steps.snapshot(), book.message(), UNTOUCHED);
  }
}
