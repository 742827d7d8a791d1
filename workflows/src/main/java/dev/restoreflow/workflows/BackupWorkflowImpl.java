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
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One backup: resolve the request, wait for the host's turn (shared with restores), then
 * PlanBackup, TakeBackup, VerifyBackup on the host's worker. A backup only reads the cluster:
 * whatever happens, the data directory is untouched.
 */
public class BackupWorkflowImpl implements BackupWorkflow {

  private static final String UNTOUCHED = "untouched (a backup only reads the cluster)";

  private final ServerActivities server =
      Workflow.newLocalActivityStub(ServerActivities.class, RestoreWorkflowImpl.SERVER_SIDE);
  private StepTracker steps = new StepTracker(Steps.BACKUP_STEPS.stream().map(PlannedStep::run)
      .toList());

  private String jobId;
  private BackupRequest request;
  private ResolvedBackup target;
  private JobRecorder recorder;
  private JobState state = JobState.RESOLVING;
  private String backupId;
  private String message;
  private boolean granted;

  @Override
  public BackupResult backup(BackupRequest backupRequest) {
    WorkflowInfo info = Workflow.getInfo();
    jobId = TaskQueues.jobIdOf(info.getWorkflowId());
    request = backupRequest;
    recorder = new JobRecorder(server, QueueEntry.BACKUP, jobId);
    try {
      target = server.resolveBackup(jobId, request);
    } catch (ActivityFailure e) {
      upsertSearchAttributes();
      fail(e);
      throw JobFailures.of(e, null);
    }
    upsertSearchAttributes();
    setState(JobState.QUEUED, null);
    QueueEntry turn = new QueueEntry(info.getWorkflowId(), jobId, target.instance(),
        info.getRunStartedTimestampMillis(), QueueEntry.BACKUP);
    HostTurn hostTurn = new HostTurn(server, jobId);
    boolean reasks = hostTurn.enter(target.host(), turn);
    try {
      hostTurn.awaitGrant(target.host(), turn, reasks, () -> granted);
      setState(JobState.RUNNING, null);
      BackupResult result = runSteps();
      record(result.state(), null, null);
      return result;
    } catch (CanceledFailure e) {
      Workflow.newDetachedCancellationScope(this::afterCancel).run();
      throw e;
    } catch (ActivityFailure e) {
      if (JobFailures.isCancellation(e)) {
        Workflow.newDetachedCancellationScope(this::afterCancel).run();
        throw new CanceledFailure("backup cancelled during " + e.getActivityType());
      }
      Workflow.newDetachedCancellationScope(() -> {
        steps.skipPending("an earlier step failed");
        fail(e);
      }).run();
      throw JobFailures.of(e, null);
    } finally {
      Workflow.newDetachedCancellationScope(() -> hostTurn.release(target.host())).run();
    }
  }

  private BackupResult runSteps() {
    StepInput input = new StepInput(jobId, target.instance(), target.host());
    String hostQueue = TaskQueues.forHost(target.host());
    BackupActivities quick = Workflow.newActivityStub(BackupActivities.class,
        RestoreWorkflowImpl.PLANNING.toBuilder().setTaskQueue(hostQueue)
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED).build());
    BackupActivities taker = Workflow.newActivityStub(BackupActivities.class,
        longRunning(hostQueue));

    BackupPlan plan = step(PLAN_BACKUP, () -> quick.planBackup(new BackupInput(input,
        target.type(), target.compression())), p -> new StepResult(PLAN_BACKUP, 0, 0, p.detail()));
    BackupInput backupInput = new BackupInput(input, plan.type(), target.compression());
    TakenBackup taken = step(TAKE_BACKUP, () -> taker.takeBackup(backupInput),
        t -> new StepResult(TAKE_BACKUP, t.startedAtMillis(), t.endedAtMillis(), t.detail()));
    backupId = taken.backupId();
    step(VERIFY_BACKUP, () -> quick.verifyBackup(backupInput, taken.backupId()), r -> r);
    state = JobState.SUCCEEDED;
    message = "backup " + backupId + " (" + plan.type() + ") taken and verified";
    return new BackupResult(jobId, target.instance(), target.host(), JobState.SUCCEEDED, backupId,
        plan.type(), steps.snapshot(), message);
  }

  /** TakeBackup: hours on big clusters; a dead worker is noticed by its heartbeat. */
  private static ActivityOptions longRunning(String hostQueue) {
    return RestoreWorkflowImpl.LONG_RUNNING.toBuilder().setTaskQueue(hostQueue)
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED).build();
  }

  /** Runs one step, keeping the tracker and the ledger up to date. */
  private <T> T step(String name, Supplier<T> body, Function<T, StepResult> summary) {
    return new StepRuns(jobId, steps, this::recordStep).run(name, body, summary);
  }

  private void afterCancel() {
    steps.endRunning(StepStatus.CANCELLED, "cancelled");
    steps.skipPending("job cancelled");
    message = "cancelled";
    state = JobState.CANCELLED;
    record(JobState.CANCELLED, null, "cancelled; no new backup");
  }

  private void fail(ActivityFailure e) {
    message = JobFailures.rootMessage(e);
    state = JobState.FAILED;
    record(JobState.FAILED, null, message);
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

  private void setState(JobState next, String error) {
    state = next;
    record(next, null, error);
  }

  private void recordStep(String name) {
    record(state, steps.get(name), null);
  }

  private void record(JobState jobState, StepProgress step, String error) {
    recorder.record(new JobRecorder.Subject(instance(), target == null ? null : target.host(),
        via(), null, request), jobState, step, error);
  }

  @Override
  public void grant() {
    granted = true;
  }

  @Override
  public RestoreProgress progress() {
    return new RestoreProgress(jobId, instance(), target != null ? target.host() : null, state,
        steps.current(), backupId, steps.snapshot(), message, UNTOUCHED);
  }
}
