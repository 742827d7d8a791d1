package dev.restoreflow.workflows;

import static dev.restoreflow.workflows.Steps.FETCH;
import static dev.restoreflow.workflows.Steps.PLAN;
import static dev.restoreflow.workflows.Steps.PROMOTE;
import static dev.restoreflow.workflows.Steps.RESTORE;
import static dev.restoreflow.workflows.Steps.START;
import static dev.restoreflow.workflows.Steps.STOP;
import static dev.restoreflow.workflows.Steps.VERIFY;
import static dev.restoreflow.workflows.Steps.WIPE;

import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.activities.ClusterActivities;
import dev.restoreflow.workflows.activities.PlanActivities;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestorePlan;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepInput;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

public class RestoreWorkflowImpl implements RestoreWorkflow {

  /**
   * Host steps are retried until they succeed, fail permanently, or use up their own budget: a
   * step gives up itself (non-retryable) after its 5th attempt (10th for the restore step), or,
   * when the host is unreachable, once it has been unreachable for an hour since the step's first
   * attempt (activities' RetryBudget). Timeouts (a dead worker, a hang) are bounded by the
   * schedule-to-close timeouts below.
   */
  static final RetryOptions HOST_RETRY = RetryOptions.newBuilder()
      .setInitialInterval(Duration.ofSeconds(1))
      .setBackoffCoefficient(2.0)
      .setMaximumInterval(Duration.ofMinutes(1))
      .setMaximumAttempts(0)
      .setDoNotRetry(FailureType.permanentNames())
      .build();

  /**
   * Stop, wipe, start, promote, verify. The start-to-close timeout is above the longest command
   * limit of these steps (WipeData's 2 h; StartCluster's and StopCluster's 2 x 3600 s at most).
   */
  public static final Duration STEP_LIMIT = Duration.ofMinutes(135);
  static final ActivityOptions SHORT = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(STEP_LIMIT)
      .setScheduleToCloseTimeout(Duration.ofHours(4))
      .setHeartbeatTimeout(Duration.ofSeconds(60))
      .setRetryOptions(HOST_RETRY)
      .build();

  /** PlanRestore also tells when no worker serves the host, or the host stays unreachable. */
  static final ActivityOptions PLANNING = SHORT.toBuilder()
      .setScheduleToStartTimeout(Duration.ofMinutes(10))
      .setScheduleToCloseTimeout(Duration.ofMinutes(90))
      .build();

  /** The restore itself: hours on big clusters; a dead worker is noticed by its heartbeat. */
  static final ActivityOptions LONG_RUNNING = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(24))
      .setScheduleToCloseTimeout(Duration.ofHours(48))
      .setHeartbeatTimeout(Duration.ofSeconds(15))
      .setRetryOptions(HOST_RETRY)
      .build();

  static final LocalActivityOptions SERVER_SIDE = LocalActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(RetryOptions.newBuilder()
          .setMaximumAttempts(3)
          .setDoNotRetry(FailureType.permanentNames())
          .build())
      .build();

  /** How often a job waiting for its host asks the host's queue again. */
  static final Duration REASK_EVERY = Duration.ofMinutes(2);
  /** Workflow.getVersion change ids (issue 11). */
  static final String REASKS_FOR_TURN = "job-reasks-for-its-turn";
  static final String WAITS_FOR_CANCELLED_STEPS = "job-waits-for-cancelled-steps";

  private static final Logger log = Workflow.getLogger(RestoreWorkflowImpl.class);

  private final ServerActivities server =
      Workflow.newLocalActivityStub(ServerActivities.class, SERVER_SIDE);
  /** The probackup steps until the instance is resolved; then its engine's. */
  private StepTracker steps = new StepTracker(Steps.RESTORE_STEPS);

  private String jobId;
  private RestoreRequest request;
  private ResolvedRestore target;
  private JobState state = JobState.RESOLVING;
  private String backupId;
  private String message;
  private DataState dataState = DataState.UNTOUCHED;
  private boolean granted;
  /** Set by version: cancelled steps are waited for, and a cancel stops the job between steps. */
  private boolean waitForCancelledSteps;

  @Override
  public RestoreResult restore(RestoreRequest restoreRequest) {
    WorkflowInfo info = Workflow.getInfo();
    jobId = TaskQueues.jobIdOf(info.getWorkflowId());
    request = restoreRequest;
    backupId = request == null ? null : request.backupId();
    try {
      target = server.resolveRestore(jobId, request);
    } catch (ActivityFailure e) {
      upsertSearchAttributes();
      fail(e);
      throw asWorkflowFailure(e);
    }
    upsertSearchAttributes();
    steps = new StepTracker(Steps.forEngine(target.engine()));
    setState(JobState.QUEUED, null);
    QueueEntry turn = new QueueEntry(info.getWorkflowId(), jobId, target.instance(),
        info.getRunStartedTimestampMillis());
    boolean reasks = Workflow.getVersion(REASKS_FOR_TURN, Workflow.DEFAULT_VERSION, 1) == 1;
    if (reasks) {
      askForTurn(turn);
    } else {
      server.requestTurn(target.host(), turn);
    }
    try {
      if (reasks) {
        while (!Workflow.await(REASK_EVERY, () -> granted)) {
          askForTurn(turn);
        }
      } else {
        Workflow.await(() -> granted);
      }
      setState(JobState.RUNNING, null);
      RestoreResult result = runSteps();
      record(result.state(), null, null);
      return result;
    } catch (CanceledFailure e) {
      Workflow.newDetachedCancellationScope(this::afterCancel).run();
      throw e;
    } catch (ActivityFailure e) {
      if (isCancellation(e)) {
        Workflow.newDetachedCancellationScope(this::afterCancel).run();
        throw new CanceledFailure("restore cancelled during " + e.getActivityType());
      }
      Workflow.newDetachedCancellationScope(() -> afterFailure(e)).run();
      throw asWorkflowFailure(e);
    } finally {
      Workflow.newDetachedCancellationScope(this::releaseTurn).run();
    }
  }

  /**
   * Puts the job in its host's queue. Asked again every {@link #REASK_EVERY} while waiting, so
   * that a queue started after this job asked (the old one was lost) learns about it; asking
   * twice is the same as once. A failure here is not the job's end: the next ask comes anyway.
   */
  private void askForTurn(QueueEntry turn) {
    try {
      server.requestTurn(target.host(), turn);
    } catch (ActivityFailure e) {
      log.warn("job {}: could not ask host {}'s queue for a turn (asking again in {}): {}", jobId,
          target.host(), REASK_EVERY, rootMessage(e));
    }
  }

  private RestoreResult runSteps() {
    StepInput input = new StepInput(jobId, target.instance(), target.host());
    String hostQueue = TaskQueues.forHost(target.host());
    // A cancelled step is waited for until it has really ended before the job goes on (restarts
    // a cluster whose stop was cancelled) and gives the host back to the next job.
    waitForCancelledSteps = Workflow.getVersion(WAITS_FOR_CANCELLED_STEPS,
        Workflow.DEFAULT_VERSION, 1) == 1;
    ActivityCancellationType onCancel = waitForCancelledSteps
        ? ActivityCancellationType.WAIT_CANCELLATION_COMPLETED
        : ActivityCancellationType.TRY_CANCEL;
    PlanActivities planner = Workflow.newActivityStub(PlanActivities.class,
        PLANNING.toBuilder().setTaskQueue(hostQueue).setCancellationType(onCancel).build());
    ClusterActivities cluster = Workflow.newActivityStub(ClusterActivities.class,
        SHORT.toBuilder().setTaskQueue(hostQueue).setCancellationType(onCancel).build());
    ActivityOptions restoreOptions = LONG_RUNNING.toBuilder().setTaskQueue(hostQueue)
        .setCancellationType(onCancel).build();

    RestorePlan plan = step(PLAN, () -> planner.planRestore(new PlanInput(input,
        request.backupId(), request.incremental(), request.recoveryTarget())),
        p -> new StepResult(PLAN, 0, 0, describe(p)));
    backupId = plan.backupId();
    if (request.dryRun()) {
      steps.skipPending("dry run");
      return result(JobState.PLANNED, plan, "dry run: would restore backup " + backupId);
    }

    if (waitForCancelledSteps) {
      dataState = DataState.STOPPING;
    }
    step(STOP, () -> cluster.stopCluster(input, !request.incremental()));
    dataState = DataState.STOPPED_INTACT;
    if (request.incremental()) {
      steps.skip(WIPE, "incremental restore keeps the data directory");
    } else {
      dataState = DataState.WIPING;
      step(WIPE, () -> cluster.wipeData(input));
      dataState = DataState.EMPTY;
    }
    dataState = request.incremental() ? DataState.PARTIAL_INCREMENTAL : DataState.PARTIAL;
    EngineRestoreInput restore = new EngineRestoreInput(input, backupId, request.incremental(),
        request.recoveryTarget());
    if (steps.has(FETCH)) {
      BaseBackupActivities basebackup =
          Workflow.newActivityStub(BaseBackupActivities.class, restoreOptions);
      step(FETCH, () -> basebackup.fetchS3(restore));
    } else {
      ProbackupActivities probackup =
          Workflow.newActivityStub(ProbackupActivities.class, restoreOptions);
      step(RESTORE, () -> probackup.probackupRestore(restore));
    }
    dataState = DataState.RESTORED_STOPPED;
    step(START, () -> cluster.startCluster(input));
    dataState = DataState.RESTORED_RUNNING;
    boolean promote = request.promote() != null ? request.promote() : target.promoteByDefault();
    if (promote) {
      step(PROMOTE, () -> cluster.promote(input));
    } else {
      steps.skip(PROMOTE, "promotion not asked for");
    }
    step(VERIFY, () -> cluster.verifyCluster(input));
    return result(JobState.SUCCEEDED, plan, "restored backup " + backupId);
  }

  private void step(String name, Supplier<StepResult> body) {
    step(name, body, result -> result);
  }

  /** Runs one step, keeping the tracker and the ledger up to date. */
  private <T> T step(String name, Supplier<T> body, Function<T, StepResult> summary) {
    steps.start(name);
    recordStep(name);
    T value;
    try {
      value = body.get();
    } catch (ActivityFailure e) {
      boolean cancelled = isCancellation(e);
      log.info("job {} step {} ended {}: {}", jobId, name, cancelled ? "by cancel" : "in failure",
          e.getCause() == null ? e : e.getCause().toString());
      steps.endRunning(cancelled ? StepStatus.CANCELLED : StepStatus.FAILED,
          cancelled ? "cancelled" : rootMessage(e));
      recordStep(name);
      throw e;
    } catch (CanceledFailure e) {
      steps.endRunning(StepStatus.CANCELLED, "cancelled");
      recordStep(name);
      throw e;
    }
    StepResult result = summary.apply(value);
    steps.done(name, result);
    recordStep(name);
    log.info("job {} step {} done: {}", jobId, name, result.detail());
    if (waitForCancelledSteps && CancellationScope.current().isCancelRequested()) {
      // the step ran to its end although the job was cancelled meanwhile: stop before the next
      // one, with the data state from before this step's outcome was taken in
      throw new CanceledFailure("restore cancelled during " + name);
    }
    return value;
  }

  /** After a cancel: if the data was not touched yet, bring the cluster back. */
  private void afterCancel() {
    steps.endRunning(StepStatus.CANCELLED, "cancelled");
    steps.skipPending("job cancelled");
    restartIfIntact();
    message = "cancelled";
    state = JobState.CANCELLED;
    record(JobState.CANCELLED, null, "cancelled; data directory: " + dataState.description);
  }

  private void afterFailure(ActivityFailure e) {
    steps.skipPending("an earlier step failed");
    if (dataState == DataState.WIPING && e.getCause() instanceof ApplicationFailure app
        && FailureType.WIPE_REFUSED.name().equals(app.getType())) {
      dataState = DataState.STOPPED_INTACT;
    }
    restartIfIntact();
    fail(e);
  }

  /** A cluster whose data was not touched yet is started again (also when its stop was cut short). */
  private void restartIfIntact() {
    boolean intact = dataState == DataState.STOPPED_INTACT || dataState == DataState.STOPPING;
    if (!intact || target == null) {
      return;
    }
    ClusterActivities cluster = Workflow.newActivityStub(ClusterActivities.class,
        SHORT.toBuilder().setTaskQueue(TaskQueues.forHost(target.host())).build());
    try {
      cluster.startCluster(new StepInput(jobId, target.instance(), target.host()));
      dataState = DataState.UNTOUCHED;
    } catch (ActivityFailure restartFailure) {
      log.error("job {}: could not restart the untouched cluster: {}", jobId,
          rootMessage(restartFailure));
    }
  }

  private void fail(ActivityFailure e) {
    message = rootMessage(e);
    state = JobState.FAILED;
    record(JobState.FAILED, null, message + "; data directory: " + dataState.description);
  }

  private void releaseTurn() {
    if (target != null) {
      try {
        Workflow.newExternalWorkflowStub(HostQueueWorkflow.class,
            TaskQueues.hostQueueWorkflowId(target.host())).release(Workflow.getInfo().getWorkflowId());
      } catch (RuntimeException e) {
        log.warn("job {}: could not give back host {}: {}", jobId, target.host(), e.getMessage());
      }
    }
  }

  private RestoreResult result(JobState finalState, RestorePlan plan, String text) {
    state = finalState;
    message = text;
    return new RestoreResult(jobId, target.instance(), target.host(), finalState, backupId, plan,
        steps.snapshot(), text);
  }

  /** Whatever way the job came in, the Temporal UI and CLI can find it by these. */
  private void upsertSearchAttributes() {
    String instance = target != null ? target.instance() : request == null ? null : request.instance();
    Workflow.upsertTypedSearchAttributes(JobSearchAttributes.of(jobId, instance,
        target == null ? null : target.host(), target == null ? null : target.engine(), via()));
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
    WorkflowInfo info = Workflow.getInfo();
    String instance = target != null ? target.instance() : request == null ? null : request.instance();
    String host = target != null ? target.host() : request == null ? null : request.host();
    try {
      server.recordJobEvent(new JobEvent(jobId, info.getWorkflowId(), info.getRunId(), "restore",
          instance, host, via(), request, jobState, step, error, Workflow.currentTimeMillis()));
    } catch (ActivityFailure e) {
      log.warn("job {}: ledger write failed: {}", jobId, rootMessage(e));
    }
  }

  private RuntimeException asWorkflowFailure(ActivityFailure e) {
    Throwable cause = lastAttemptFailure(e);
    String type = FailureType.COMMAND_FAILED.name();
    if (cause instanceof ApplicationFailure app) {
      type = app.getType();
    } else if (cause instanceof TimeoutFailure timeout
        && timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
      type = FailureType.UNKNOWN_HOST.name();
    }
    return ApplicationFailure.newNonRetryableFailureWithCause(
        rootMessage(e) + " (data directory: " + dataState.description + ")", type, e);
  }

  /**
   * What the step's last attempt ended with: a step whose schedule-to-close time ran out while
   * retrying carries its last attempt's failure as the timeout's cause.
   */
  private static Throwable lastAttemptFailure(ActivityFailure e) {
    Throwable cause = e.getCause();
    if (cause instanceof TimeoutFailure timeout
        && timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE
        && timeout.getCause() != null) {
      return timeout.getCause();
    }
    return cause;
  }

  /**
   * A cancelled job sees its running activity fail: with a CanceledFailure cause, or with
   * whatever the activity ended with once it noticed the cancel.
   */
  private static boolean isCancellation(ActivityFailure e) {
    return e.getCause() instanceof CanceledFailure
        || CancellationScope.current().isCancelRequested();
  }

  static String rootMessage(ActivityFailure e) {
    Throwable cause = lastAttemptFailure(e);
    String gaveUp = cause == e.getCause() ? ""
        : e.getActivityType() + " gave up after retrying for its time limit; last attempt: ";
    if (cause instanceof ApplicationFailure app) {
      return gaveUp + app.getOriginalMessage();
    }
    if (cause instanceof TimeoutFailure timeout) {
      if (timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
        return gaveUp + "no worker serves " + e.getActivityType() + " on this host's task queue;"
            + " start one with: restoreflow worker --host <host>";
      }
      return gaveUp + e.getActivityType() + " timed out (" + timeout.getTimeoutType() + ")";
    }
    return gaveUp + (cause != null ? cause.getMessage() : e.getMessage());
  }

  private static String describe(RestorePlan p) {
    return "backup " + p.backupId() + " (" + p.backupMode() + ", " + p.dataBytes() + " bytes, chain "
        + String.join(">", p.chain()) + "); free " + p.freeBytes() + " bytes";
  }

  @Override
  public void grant() {
    granted = true;
  }

  @Override
  public RestoreProgress progress() {
    return new RestoreProgress(jobId, target != null ? target.instance() : request == null ? null
        : request.instance(), target != null ? target.host() : null, state, steps.current(),
        backupId, steps.snapshot(), message, dataState.description);
  }

  /** What the data directory holds, for the progress query and failure messages. */
  enum DataState {
    UNTOUCHED("untouched, cluster as it was"),
    STOPPING("intact, cluster being stopped; restoreflow starts it again if the job ends here"),
    STOPPED_INTACT("intact, cluster stopped"),
    WIPING("being wiped, cluster stopped; run a full restore"),
    EMPTY("empty, cluster stopped; run a full restore"),
    PARTIAL("partly restored, cluster stopped; run a full restore"),
    PARTIAL_INCREMENTAL("partly restored incrementally, cluster stopped; run the restore again"),
    RESTORED_STOPPED("restored, cluster stopped"),
    RESTORED_RUNNING("restored, cluster running");

    final String description;

    DataState(String description) {
      this.description = description;
    }
  }
}
