package dev.restoreflow.workflows;

import static dev.restoreflow.workflows.Steps.PLAN_BACKUP;
import static dev.restoreflow.workflows.Steps.TAKE_BACKUP;
import static dev.restoreflow.workflows.Steps.VERIFY_BACKUP;

import dev.restoreflow.workflows.activities.BackupActivities;
import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.BackupInput;
import dev.restoreflow.workflows.model.BackupPlan;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.JobNotice;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.ResolvedBackup;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.StepInput;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.StepStatus;
import dev.restoreflow.workflows.model.TakenBackup;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One backup: resolve the request, wait for the host's turn (shared with restores), then
 * PlanBackup, TakeBackup, VerifyBackup on the host's worker. A backup only reads the cluster:
 * whatever happens, the data directory is untouched.
 */
public class BackupWorkflowImpl implements BackupWorkflow {

  private static final String UNTOUCHED = "untouched (a backup only reads the cluster)";
  private static final String CANCELLED = "cancelled; no new backup";

  private final ServerActivities server =
      Workflow.newLocalActivityStub(ServerActivities.class, RestoreWorkflowImpl.SERVER_SIDE);
  private StepTracker steps = new StepTracker(Steps.BACKUP_STEPS.stream().map(PlannedStep::run)
      .toList());

  private String jobId;
  private BackupRequest request;
  private ResolvedBackup target;
  private JobBook book;
  private String backupId;
  private boolean granted;
  /** Set by version {@link #BACKUP_NOTICES}; null in older jobs. */
  private JobNotices notices;
  private boolean ended;
  /** Set by version {@link RestoreWorkflowImpl#READABLE_HISTORY}. */
  private boolean readable;

  @Override
  public BackupResult backup(BackupRequest backupRequest) {
    WorkflowInfo info = Workflow.getInfo();
    jobId = TaskQueues.jobIdOf(info.getWorkflowId());
    request = backupRequest;
    readable = Workflow.getVersion(RestoreWorkflowImpl.READABLE_HISTORY,
        Workflow.DEFAULT_VERSION, 1) == 1;
    book = new JobBook(server, QueueEntry.BACKUP, jobId, steps, this::subject, readable);
    try {
      target = (readable ? Summaries.local(ServerActivities.class,
          RestoreWorkflowImpl.SERVER_SIDE, "resolve backup of "
              + (request == null ? "?" : request.instance())) : server)
          .resolveBackup(jobId, request);
    } catch (ActivityFailure e) {
      upsertSearchAttributes();
      book.failed(e);
      throw JobFailures.of(e, null);
    }
    if (readable || Workflow.getVersion(BACKUP_NOTICES, Workflow.DEFAULT_VERSION, 1) == 1) {
      // the resolved job id, as recorded: a replay under another workflow id starts the same notices
      notices = new JobNotices(target.jobId(), QueueEntry.BACKUP, target.noticeEvents());
      watchForStalls();
    }
    upsertSearchAttributes();
    book.enter(JobState.QUEUED);
    QueueEntry turn = new QueueEntry(info.getWorkflowId(), jobId, target.instance(),
        info.getRunStartedTimestampMillis(), QueueEntry.BACKUP);
    HostTurn hostTurn = new HostTurn(server, jobId, readable);
    boolean reasks = hostTurn.enter(target.host(), turn);
    try {
      hostTurn.awaitGrant(target.host(), turn, reasks, () -> granted);
      book.enter(JobState.RUNNING);
      BackupResult result = runSteps();
      book.recordState();
      notify(JobNotice.SUCCEEDED, null);
      return result;
    } catch (CanceledFailure e) {
      Workflow.newDetachedCancellationScope(() -> {
        book.cancelled(CANCELLED);
        notify(JobNotice.CANCELLED, null);
      }).run();
      throw e;
    } catch (ActivityFailure e) {
      if (JobFailures.isCancellation(e)) {
        Workflow.newDetachedCancellationScope(() -> {
          book.cancelled(CANCELLED);
          notify(JobNotice.CANCELLED, null);
        }).run();
        throw new CanceledFailure("backup cancelled during " + e.getActivityType());
      }
      Workflow.newDetachedCancellationScope(() -> {
        String failedStep = steps.snapshot().stream()
            .filter(s -> s.status() == StepStatus.FAILED).map(StepProgress::name)
            .findFirst().orElse(null);
        steps.skipPending("an earlier step failed");
        book.failed(e);
        notify(JobNotice.FAILED, failedStep);
      }).run();
      throw JobFailures.of(e, null);
    } finally {
      ended = true;
      Workflow.newDetachedCancellationScope(() -> hostTurn.release(target.host())).run();
    }
  }

  /** Workflow.getVersion change id (issue 17): notices of the job's end and of stalls. */
  static final String BACKUP_NOTICES = "backup-notices";

  private void notify(String event, String step) {
    if (notices != null) {
      notices.send(event, target.instance(), target.host(), backupId, step, book.message());
    }
  }

  private void watchForStalls() {
    if (target.stallAfterSeconds() == null || !target.notifies(JobNotice.STALLED)) {
      return;
    }
    StallWatch watch = new StallWatch(server, Duration.ofSeconds(target.stallAfterSeconds()),
        () -> ended, () -> book.state() == JobState.RUNNING && steps.current() != null,
        still -> notices.send(JobNotice.STALLED, target.instance(), target.host(), backupId,
            steps.current(), "no progress in " + steps.current() + " for "
                + Durations.words(still.toSeconds())));
    Async.procedure(() -> watch.watch(() -> steps.snapshot().hashCode()));
  }

  private BackupResult runSteps() {
    StepInput input = new StepInput(jobId, target.instance(), target.host());
    String hostQueue = TaskQueues.forHost(target.host());
    ActivityOptions quick = RestoreWorkflowImpl.PLANNING.toBuilder().setTaskQueue(hostQueue)
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED).build();
    String where = target.instance() + " on " + target.host();

    // name, dir, force and tables are null unless asked for: the inputs of older jobs stay as
    // they were
    BackupPlan plan = step(PLAN_BACKUP, () -> stub(quick, "plan a "
        + (target.type() == null ? "" : target.type() + " ") + "backup of " + where)
        .planBackup(new BackupInput(input,
        target.type(), target.compression(), request.name(), request.dir(), request.force(),
        request.tables())), p -> new StepResult(PLAN_BACKUP, 0, 0, p.detail()));
    BackupInput backupInput = new BackupInput(input, plan.type(), target.compression(),
        request.name(), request.dir(), request.force(), request.tables());
    TakenBackup taken = step(TAKE_BACKUP, () -> stub(longRunning(hostQueue), "take a "
        + plan.type() + " backup of " + where
        + (target.compression() == null ? "" : " (" + target.compression() + ")"))
        .takeBackup(backupInput),
        t -> new StepResult(TAKE_BACKUP, t.startedAtMillis(), t.endedAtMillis(), t.detail()));
    backupId = taken.backupId();
    step(VERIFY_BACKUP, () -> stub(quick, "verify backup " + taken.backupId() + " of " + where)
        .verifyBackup(backupInput, taken.backupId()), r -> r);
    book.end(JobState.SUCCEEDED, "backup " + backupId + " (" + plan.type()
        + ") taken and verified");
    return new BackupResult(jobId, target.instance(), target.host(), JobState.SUCCEEDED, backupId,
        plan.type(), steps.snapshot(), book.message());
  }

  /** TakeBackup: hours on big clusters; a dead worker is noticed by its heartbeat. */
  private static ActivityOptions longRunning(String hostQueue) {
    return RestoreWorkflowImpl.LONG_RUNNING.toBuilder().setTaskQueue(hostQueue)
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED).build();
  }

  /** A step's stub, with its summary from {@link RestoreWorkflowImpl#READABLE_HISTORY} on. */
  private BackupActivities stub(ActivityOptions options, String summary) {
    return Summaries.activity(BackupActivities.class, options, readable ? summary : null);
  }

  /** Runs one step, keeping the tracker and the ledger up to date. */
  private <T> T step(String name, Supplier<T> body, Function<T, StepResult> summary) {
    return new StepRuns(jobId, steps, book.ledger()).run(name, body, summary);
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
        request);
  }

  @Override
  public void grant() {
    granted = true;
  }

  @Override
  public RestoreProgress progress() {
    return new RestoreProgress(jobId, instance(), target != null ? target.host() : null,
        book.state(), steps.current(), backupId, steps.snapshot(), book.message(), UNTOUCHED);
  }
}
