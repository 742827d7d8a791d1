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

  static final RetryOptions HOST_RETRY = RetryOptions.newBuilder()
      .setInitialInterval(Duration.ofSeconds(1))
      .setBackoffCoefficient(2.0)
      .setMaximumInterval(Duration.ofSeconds(30))
      .setMaximumAttempts(5)
      .setDoNotRetry(FailureType.permanentNames())
      .build();

  /** Quick steps: stop, wipe, start, promote, verify. */
  static final ActivityOptions SHORT = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(15))
      .setHeartbeatTimeout(Duration.ofSeconds(60))
      .setRetryOptions(HOST_RETRY)
      .build();

  /** PlanRestore also tells when no worker serves the host. */
  static final ActivityOptions PLANNING = SHORT.toBuilder()
      .setScheduleToStartTimeout(Duration.ofMinutes(10))
      .build();

  /** The restore itself: hours on big clusters; a dead worker is noticed by its heartbeat. */
  static final ActivityOptions LONG_RUNNING = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(24))
      .setHeartbeatTimeout(Duration.ofSeconds(15))
      .setRetryOptions(HOST_RETRY.toBuilder().setMaximumAttempts(10).build())
      .build();

  static final LocalActivityOptions SERVER_SIDE = LocalActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(RetryOptions.newBuilder()
          .setMaximumAttempts(3)
          .setDoNotRetry(FailureType.permanentNames())
          .build())
      .build();

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
    server.requestTurn(target.host(), new QueueEntry(info.getWorkflowId(), jobId,
        target.instance(), info.getRunStartedTimestampMillis()));
    try {
      Workflow.await(() -> granted);
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

  private RestoreResult runSteps() {
    StepInput input = new StepInput(jobId, target.instance(), target.host());
    String hostQueue = TaskQueues.forHost(target.host());
    PlanActivities planner = Workflow.newActivityStub(PlanActivities.class,
        PLANNING.toBuilder().setTaskQueue(hostQueue).build());
    ClusterActivities cluster = Workflow.newActivityStub(ClusterActivities.class,
        SHORT.toBuilder().setTaskQueue(hostQueue).build());
    ActivityOptions restoreOptions = LONG_RUNNING.toBuilder().setTaskQueue(hostQueue).build();

    RestorePlan plan = step(PLAN, () -> planner.planRestore(new PlanInput(input,
        request.backupId(), request.incremental(), request.recoveryTarget())),
        p -> new StepResult(PLAN, 0, 0, describe(p)));
    backupId = plan.backupId();
    if (request.dryRun()) {
      steps.skipPending("dry run");
      return result(JobState.PLANNED, plan, "dry run: would restore backup " + backupId);
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

  private void restartIfIntact() {
    if (dataState != DataState.STOPPED_INTACT || target == null) {
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
    Throwable cause = e.getCause();
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
   * A cancelled job sees its running activity fail: with a CanceledFailure cause, or with
   * whatever the activity ended with once it noticed the cancel.
   */
  private static boolean isCancellation(ActivityFailure e) {
    return e.getCause() instanceof CanceledFailure
        || CancellationScope.current().isCancelRequested();
  }

  static String rootMessage(ActivityFailure e) {
    Throwable cause = e.getCause();
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    if (cause instanceof TimeoutFailure timeout) {
      if (timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
        return "no worker serves " + e.getActivityType() + " on this host's task queue;"
            + " start one with: restoreflow worker --host <host>";
      }
      return e.getActivityType() + " timed out (" + timeout.getTimeoutType() + ")";
    }
    return cause != null ? cause.getMessage() : e.getMessage();
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
