package dev.restoreflow.workflows;

import static dev.restoreflow.workflows.Steps.PLAN;
import static dev.restoreflow.workflows.Steps.PROMOTE;
import static dev.restoreflow.workflows.Steps.PROVE;
import static dev.restoreflow.workflows.Steps.REMOVE_SCRATCH;
import static dev.restoreflow.workflows.Steps.START;
import static dev.restoreflow.workflows.Steps.STOP;
import static dev.restoreflow.workflows.Steps.VERIFY;
import static dev.restoreflow.workflows.Steps.WIPE;

import dev.restoreflow.workflows.activities.ClusterActivities;
import dev.restoreflow.workflows.activities.PlanActivities;
import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.Approval;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.JobNotice;
import dev.restoreflow.workflows.model.JobOutcome;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.PlannedStep;
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
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * One restore: resolve the request, wait for the host's turn, then run the steps the engine's
 * plan lists — the workflow names no engine. The steps every engine shares (stop, wipe, start,
 * promote, verify) are the cluster's; any other step is the engine's restore step, which gets
 * the backup and target and may run for hours.
 */
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

  /** Workflow.getVersion change id (issue 11). */
  static final String WAITS_FOR_CANCELLED_STEPS = "job-waits-for-cancelled-steps";
  /**
   * Workflow.getVersion change id (issue 17): the RTO estimate after PlanRestore, the approval
   * gate, notices, the stall watch, clones and drills (scratch targets), the job's outcome.
   */
  static final String ON_CALL = "on-call-around-restores";
  /**
   * Workflow.getVersion change id (issue 18): WipeData gets the restore's size and may move the
   * old data aside instead of deleting it; DiscardOldData deletes it after the job has succeeded.
   */
  static final String WIPE_ASIDE = "wipe-off-critical-path";
  /**
   * Workflow.getVersion change id (issue 19), checked first: one ledger write per step (at its
   * end, with its start time; the last one with the job's end) instead of two, and every activity
   * and local activity carries a summary the Web UI shows on its timeline. Jobs from this version
   * on take the paths of {@link #ON_CALL}, {@link #WAITS_FOR_CANCELLED_STEPS}, {@link #WIPE_ASIDE}
   * and {@link HostTurn#REASKS_FOR_TURN} without a marker of their own.
   */
  static final String READABLE_HISTORY = "readable-history";

  private static final Logger log = Workflow.getLogger(RestoreWorkflowImpl.class);

  private final ServerActivities server =
      Workflow.newLocalActivityStub(ServerActivities.class, SERVER_SIDE);
  private StepTracker steps = new StepTracker(List.of(PlannedStep.run(PLAN)));

  private String jobId;
  private RestoreRequest request;
  private ResolvedRestore target;
  private JobRecorder recorder;
  private JobState state = JobState.RESOLVING;
  private String backupId;
  private String message;
  private DataState dataState = DataState.UNTOUCHED;
  /**
   * What WipeData said it did with the old data (moved aside to where, or removed), from the
   * version of {@link #WIPE_ASIDE} on, until DiscardOldData has deleted what was moved aside.
   */
  private String oldData;
  private boolean granted;
  /** Set by version: everything of {@link #READABLE_HISTORY}. */
  private boolean readable;
  /** The ledger has the start of the first step after PlanRestore (see {@link #ledger()}). */
  private boolean touchWritten;
  /** Set by version: cancelled steps are waited for, and a cancel stops the job between steps. */
  private boolean waitForCancelledSteps;
  /** Set by version: everything of {@link #ON_CALL}. */
  private boolean onCall;
  private JobNotices notices = new JobNotices(null, QueueEntry.RESTORE, null);
  private RestorePlan plan;
  private Approval decision;
  private boolean approved;
  /** "approved by alice: OPS-12", "rejected by bob: ...", or the timeout's words. */
  private String approvalText;
  private Long restoreStartedAt;
  private Long restoreEndedAt;
  private int stepChanges;
  private boolean ended;
  /** A clone or drill has begun writing its scratch target (a failure then removes it). */
  private boolean scratchTouched;

  @Override
  public RestoreResult restore(RestoreRequest restoreRequest) {
    WorkflowInfo info = Workflow.getInfo();
    jobId = TaskQueues.jobIdOf(info.getWorkflowId());
    request = restoreRequest;
    readable = Workflow.getVersion(READABLE_HISTORY, Workflow.DEFAULT_VERSION, 1) == 1;
    recorder = new JobRecorder(server, QueueEntry.RESTORE, jobId, readable);
    backupId = request == null ? null : request.backupId();
    try {
      target = local(request == null ? "resolve a restore request"
          : "resolve restore of " + request.instance()
              + (request.host() == null ? "" : " on " + request.host()))
          .resolveRestore(jobId, request);
    } catch (ActivityFailure e) {
      upsertSearchAttributes();
      fail(e);
      throw JobFailures.of(e, dataState.description);
    }
    onCall = readable || Workflow.getVersion(ON_CALL, Workflow.DEFAULT_VERSION, 1) == 1;
    if (onCall) {
      // the resolved job id, as recorded: a replay under another workflow id starts the same notices
      notices = new JobNotices(target.jobId(), QueueEntry.RESTORE, target.noticeEvents());
    }
    upsertSearchAttributes();
    steps = new StepTracker(expectedSteps());
    setState(JobState.QUEUED, null);
    QueueEntry turn = new QueueEntry(info.getWorkflowId(), jobId, target.instance(),
        info.getRunStartedTimestampMillis(), QueueEntry.RESTORE);
    HostTurn hostTurn = new HostTurn(server, jobId, readable);
    boolean reasks = hostTurn.enter(target.host(), turn);
    try {
      hostTurn.awaitGrant(target.host(), turn, reasks, () -> granted);
      setState(JobState.RUNNING, null);
      watchForStalls();
      RestoreResult result = runSteps();
      if (onCall) {
        // from READABLE_HISTORY on, the last step's end goes with this write
        record(result.state(), null, null, outcome());
        notices.send(result.state().name(), target.instance(), target.host(), backupId, null,
            result.message());
      } else {
        record(result.state(), null, null);
      }
      // the job has succeeded (ledger, notices, RTO): now the old data goes, still in the host's
      // turn, and a cancel can no longer change the job's outcome
      Workflow.newDetachedCancellationScope(this::discardOldData).run();
      return result;
    } catch (CanceledFailure e) {
      Workflow.newDetachedCancellationScope(this::afterCancel).run();
      throw e;
    } catch (ActivityFailure e) {
      if (JobFailures.isCancellation(e)) {
        Workflow.newDetachedCancellationScope(this::afterCancel).run();
        throw new CanceledFailure("restore cancelled during " + e.getActivityType());
      }
      Workflow.newDetachedCancellationScope(() -> afterFailure(e)).run();
      throw JobFailures.of(e, dataWords());
    } finally {
      ended = true;
      Workflow.newDetachedCancellationScope(() -> hostTurn.release(target.host())).run();
    }
  }

  /** Notices of a running step that shows no progress, when some webhook takes them. */
  private void watchForStalls() {
    if (!onCall || target.stallAfterSeconds() == null || !target.notifies(JobNotice.STALLED)) {
      return;
    }
    StallWatch watch = new StallWatch(server, Duration.ofSeconds(target.stallAfterSeconds()),
        () -> ended, () -> state == JobState.RUNNING && steps.current() != null,
        still -> notices.send(JobNotice.STALLED, target.instance(), target.host(), backupId,
            steps.current(), "no progress in " + steps.current() + " for "
                + Durations.words(still.toSeconds())));
    Async.procedure(() -> watch.watch(() -> stepChanges));
  }

  /** The steps the job shows before its plan: the resolver's, or (older jobs) the frozen list. */
  private List<PlannedStep> expectedSteps() {
    return target.steps() != null ? target.steps()
        : StepsBeforeEnginePlans.of(target.engine(), request.incremental());
  }

  private RestoreResult runSteps() {
    StepInput input = new StepInput(jobId, target.instance(), target.host(),
        onCall ? target.into() : null);
    boolean overInstance = input.into() == null;
    String hostQueue = TaskQueues.forHost(target.host());
    // A cancelled step is waited for until it has really ended before the job goes on (restarts
    // a cluster whose stop was cancelled) and gives the host back to the next job.
    waitForCancelledSteps = readable || Workflow.getVersion(WAITS_FOR_CANCELLED_STEPS,
        Workflow.DEFAULT_VERSION, 1) == 1;
    ActivityCancellationType onCancel = waitForCancelledSteps
        ? ActivityCancellationType.WAIT_CANCELLATION_COMPLETED
        : ActivityCancellationType.TRY_CANCEL;
    PlanActivities planner = Summaries.activity(PlanActivities.class,
        PLANNING.toBuilder().setTaskQueue(hostQueue).setCancellationType(onCancel).build(),
        summary("plan restore of " + target.instance() + " on " + target.host() + ": "
            + (request.backupId() == null ? "newest backup" : "backup " + request.backupId())));
    ActivityOptions clusterOptions = SHORT.toBuilder().setTaskQueue(hostQueue)
        .setCancellationType(onCancel).build();
    ActivityOptions restoreOptions = LONG_RUNNING.toBuilder().setTaskQueue(hostQueue)
        .setCancellationType(onCancel).build();

    // tables is null unless asked for: the inputs of older jobs stay as they were
    // a clone or drill into a data directory is a full restore (into the emptied scratch)
    Boolean full = !overInstance && expectedSteps().stream()
        .anyMatch(s -> s.name().equals(WIPE) && s.runs()) ? Boolean.TRUE : request.full();
    plan = step(PLAN, () -> withEstimate(planner.planRestore(new PlanInput(input,
        request.backupId(), request.incremental(), request.recoveryTarget(), full,
        request.tables()))),
        p -> new StepResult(PLAN, 0, 0, describe(p)));
    backupId = plan.backupId();
    List<PlannedStep> planned = plan.steps() != null ? plan.steps() : expectedSteps();
    if (onCall && request.isDrill() && plan.steps() != null) {
      planned = withDrillSteps(planned);
    }
    steps.follow(planned);
    if (request.dryRun()) {
      steps.skipPending("dry run");
      return result(JobState.PLANNED, plan, "dry run: would restore backup " + backupId);
    }
    if (onCall && target.requiresApproval() && !awaitApproval()) {
      steps.skipPending(approvalText);
      return result(JobState.REJECTED, plan, approvalText + "; nothing was touched");
    }
    boolean wipes = planned.stream().anyMatch(s -> s.name().equals(WIPE) && s.runs());
    // a logical restore (no StopCluster) builds a new database beside the running cluster's and
    // swaps it in at its end: until then the data is as it was
    boolean stopsCluster = planned.stream().anyMatch(s -> s.name().equals(STOP) && s.runs());
    EngineRestoreInput restore = new EngineRestoreInput(input, backupId, request.incremental(),
        request.recoveryTarget(), request.tables());
    for (PlannedStep next : planned) {
      if (next.name().equals(PLAN)) {
        continue;
      }
      if (!next.runs()) {
        steps.skip(next.name(), next.skipped());
        continue;
      }
      if (restoreStartedAt == null) {
        restoreStartedAt = Workflow.currentTimeMillis();
        scratchTouched = !overInstance;
      }
      switch (next.name()) {
        case STOP -> {
          if (waitForCancelledSteps && overInstance) {
            dataState = DataState.STOPPING;
          }
          step(STOP, () -> cluster(clusterOptions, "stop " + where(input)
              + (wipes ? " (immediately: its data is replaced)" : "")).stopCluster(input, wipes));
          if (overInstance) {
            dataState = DataState.STOPPED_INTACT;
          }
        }
        case WIPE -> {
          boolean aside = overInstance && (readable
              || Workflow.getVersion(WIPE_ASIDE, Workflow.DEFAULT_VERSION, 1) == 1);
          if (overInstance) {
            dataState = aside ? DataState.WIPING_ASIDE : DataState.WIPING;
          }
          Long restoreBytes = aside ? plan.dataBytes() : null;
          StepResult wiped = step(WIPE, () -> cluster(clusterOptions, (aside
              ? "move the data directory of " : "wipe the data directory of ") + where(input)
              + (aside ? " aside" : "") + sizeWords(", room for ", plan.dataBytes()))
              .wipeData(input, restoreBytes), r -> r);
          if (overInstance) {
            dataState = DataState.EMPTY;
          }
          if (aside) {
            oldData = wiped.detail();
          }
        }
        case START -> {
          step(START, () -> cluster(clusterOptions, "start " + where(input))
              .startCluster(input));
          if (overInstance) {
            dataState = DataState.RESTORED_RUNNING;
          }
        }
        case PROVE -> step(PROVE, () -> cluster(clusterOptions, "prove backup " + backupId
            + " on " + where(input)).proveRestore(restore));
        case REMOVE_SCRATCH -> {
          step(REMOVE_SCRATCH, () -> cluster(clusterOptions, "remove the scratch target "
              + where(input)).removeScratch(input));
          scratchTouched = false;
        }
        case PROMOTE -> {
          if (request.promote() != null ? request.promote() : target.promoteByDefault()) {
            step(PROMOTE, () -> cluster(clusterOptions, "promote " + where(input))
                .promote(input));
          } else {
            steps.skip(PROMOTE, "promotion not asked for");
          }
        }
        case VERIFY -> step(VERIFY, () -> cluster(clusterOptions, "verify " + where(input))
            .verifyCluster(input));
        default -> {
          if (stopsCluster && overInstance) {
            // the engine's own restore step: it writes the data directory
            dataState = wipes ? DataState.PARTIAL : DataState.PARTIAL_INCREMENTAL;
          }
          step(next.name(), () -> Summaries.untyped(restoreOptions,
              summary(engineStepWords(next.name(), input)))
              .execute(next.name(), StepResult.class, restore));
          if (overInstance) {
            dataState = stopsCluster ? DataState.RESTORED_STOPPED : DataState.RESTORED_LOGICALLY;
          }
        }
      }
      if (!next.name().equals(PROVE) && !next.name().equals(REMOVE_SCRATCH)) {
        restoreEndedAt = Workflow.currentTimeMillis();
      }
    }
    return result(JobState.SUCCEEDED, plan, successMessage());
  }

  private String successMessage() {
    if (!onCall || target.into() == null) {
      return "restored backup " + backupId;
    }
    String took = restoreSeconds() == null ? "" : " in " + Durations.words(restoreSeconds());
    return request.isDrill()
        ? "drill proved backup " + backupId + ": restored" + took + " into a scratch target,"
            + " checked and removed"
        : "cloned backup " + backupId + took + " into " + scratchWords(target.into());
  }

  private static String scratchWords(dev.restoreflow.workflows.model.RestoreInto into) {
    return into.database() != null ? "database " + into.database()
        : into.directory() + " (port " + into.port() + ")";
  }

  /** A drill ends with its proof and the scratch's removal, after the engine's planned steps. */
  private static List<PlannedStep> withDrillSteps(List<PlannedStep> planned) {
    if (planned.stream().anyMatch(s -> s.name().equals(PROVE))) {
      return planned;
    }
    List<PlannedStep> all = new java.util.ArrayList<>(planned);
    all.add(PlannedStep.run(PROVE));
    all.add(PlannedStep.run(REMOVE_SCRATCH));
    return List.copyOf(all);
  }

  /** The plan with the RTO estimate from the ledger; unchanged when the ledger cannot say. */
  private RestorePlan withEstimate(RestorePlan planned) {
    if (!onCall) {
      return planned;
    }
    try {
      return planned.withEstimate(local("RTO estimate of " + target.instance() + " from the"
          + " ledger").estimateRestore(target.instance(), target.engine(), planned.dataBytes()));
    } catch (ActivityFailure e) {
      log.warn("job {}: no RTO estimate: {}", jobId, JobFailures.rootMessage(e));
      return planned;
    }
  }

  /**
   * Shows the plan and waits for a person's approval or rejection, up to the policy's timeout.
   * Nothing has been touched yet. Returns whether the job may go on.
   */
  private boolean awaitApproval() {
    setState(JobState.AWAITING_APPROVAL, null);
    notices.send(JobNotice.AWAITING_APPROVAL, target.instance(), target.host(), backupId, PLAN,
        "waits for approval (`restoreflow approve " + jobId + "`): " + describe(plan));
    long timeout = target.approval().timeoutSeconds();
    boolean answered = Workflow.await(Duration.ofSeconds(timeout), () -> decision != null);
    if (!answered) {
      approvalText = "rejected: no approval within " + Durations.words(timeout);
    } else {
      approvalText = (approved ? "approved by " : "rejected by ") + decision.by()
          + (decision.reason() == null || decision.reason().isBlank() ? ""
              : ": " + decision.reason());
    }
    log.info("job {}: {}", jobId, approvalText);
    if (!approved) {
      return false;
    }
    state = JobState.RUNNING;
    record(JobState.RUNNING, null, null, new JobOutcome(null, null, null, null, null,
        approvalText));
    return true;
  }

  private Long restoreSeconds() {
    return restoreStartedAt == null || restoreEndedAt == null ? null
        : Math.round((restoreEndedAt - restoreStartedAt) / 1000.0);
  }

  /** What the ledger keeps of this job: the RTO figures, whether it was a drill, the approver. */
  private JobOutcome outcome() {
    Long millis = restoreStartedAt == null || restoreEndedAt == null ? null
        : restoreEndedAt - restoreStartedAt;
    return new JobOutcome(target.engine(), backupId, plan == null ? null : plan.dataBytes(),
        millis, request.isDrill() ? Boolean.TRUE : null, approvalText);
  }

  /** The summary the Web UI shows for an activity, from {@link #READABLE_HISTORY} on. */
  private String summary(String words) {
    return readable ? words : null;
  }

  private ClusterActivities cluster(ActivityOptions options, String words) {
    return Summaries.activity(ClusterActivities.class, options, summary(words));
  }

  private ServerActivities local(String words) {
    return readable ? Summaries.local(ServerActivities.class, SERVER_SIDE, words) : server;
  }

  /** "main1 on db1", or the scratch target a clone or drill writes. */
  private static String where(StepInput input) {
    return input.into() == null ? input.instance() + " on " + input.host()
        : scratchWords(input.into()) + " on " + input.host();
  }

  private static String sizeWords(String before, Long bytes) {
    String size = Summaries.size(bytes);
    return size == null ? "" : before + size;
  }

  /**
   * "restore backup TP94E0, 25.7 MiB (probackup) into main1 on db1"; "fetch backup B1, 1.6 GiB
   * (basebackup) from s3://bucket/main1/backups/B1/base.tar.zst for main1 on db1".
   */
  private String engineStepWords(String name, StepInput input) {
    String size = Summaries.size(plan.dataBytes());
    String backup = "backup " + backupId + (size == null ? "" : ", " + size) + " ("
        + plan.engine() + ")";
    String from = plan.source() == null ? "" : " from " + plan.source();
    return name.startsWith("Fetch") ? "fetch " + backup + from + " for " + where(input)
        : "restore " + backup + " into " + where(input);
  }

  private void step(String name, Supplier<StepResult> body) {
    step(name, body, result -> result);
  }

  /** Runs one step, keeping the tracker and the ledger up to date. */
  private <T> T step(String name, Supplier<T> body, Function<T, StepResult> summary) {
    T value = new StepRuns(jobId, steps, ledger()).run(name, body, summary);
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
    removeScratchIfTouched();
    message = "cancelled";
    state = JobState.CANCELLED;
    record(JobState.CANCELLED, null, "cancelled; data directory: " + dataWords());
    notices.send(JobNotice.CANCELLED, instance(), target == null ? null : target.host(), backupId,
        null, "cancelled; data directory: " + dataWords());
  }

  private void afterFailure(ActivityFailure e) {
    steps.skipPending("an earlier step failed");
    if ((dataState == DataState.WIPING || dataState == DataState.WIPING_ASIDE)
        && JobFailures.hasType(e, FailureType.WIPE_REFUSED)) {
      dataState = DataState.STOPPED_INTACT;
    }
    String failedStep = steps.snapshot().stream()
        .filter(s -> s.status() == StepStatus.FAILED).map(StepProgress::name)
        .findFirst().orElse(null);
    restartIfIntact();
    removeScratchIfTouched();
    fail(e);
    notices.send(JobNotice.FAILED, instance(), target.host(), backupId, failedStep,
        message + "; data directory: " + dataWords());
  }

  /** The data state in words; after WipeData (from {@link #WIPE_ASIDE} on) where the old data is. */
  private String dataWords() {
    return oldData == null ? dataState.description
        : dataState.description + "; old data: WipeData " + oldData;
  }

  /**
   * After success: deletes the old data WipeData moved aside (nothing when it deleted it). A
   * failure here changes nothing of the job: the next full restore of the instance deletes it.
   */
  private void discardOldData() {
    if (oldData == null) {
      return;
    }
    ClusterActivities cluster = cluster(SHORT.toBuilder()
        .setTaskQueue(TaskQueues.forHost(target.host())).build(), "delete the old data of "
        + target.instance() + " on " + target.host() + " (set aside by WipeData)");
    try {
      StepResult discarded = cluster.discardOldData(new StepInput(jobId, target.instance(),
          target.host()));
      log.info("job {}: {}", jobId, discarded.detail());
      oldData = null;
    } catch (ActivityFailure e) {
      log.error("job {}: the old data was not deleted ({}); the next full restore of {} deletes"
          + " it", jobId, JobFailures.rootMessage(e), target.instance());
    }
  }

  /** A clone or drill that failed or was cancelled takes its half-built scratch target away. */
  private void removeScratchIfTouched() {
    if (!scratchTouched || target == null || target.into() == null) {
      return;
    }
    ClusterActivities cluster = cluster(SHORT.toBuilder()
        .setTaskQueue(TaskQueues.forHost(target.host())).build(), "remove the half-built scratch"
        + " target " + scratchWords(target.into()) + " on " + target.host());
    try {
      cluster.removeScratch(new StepInput(jobId, target.instance(), target.host(),
          target.into()));
      scratchTouched = false;
    } catch (ActivityFailure removeFailure) {
      log.error("job {}: could not remove the scratch target {}: {}", jobId,
          scratchWords(target.into()), JobFailures.rootMessage(removeFailure));
    }
  }

  /** A cluster whose data was not touched yet is started again (also when its stop was cut short). */
  private void restartIfIntact() {
    if (!dataState.isIntact() || target == null || (onCall && target.into() != null)) {
      return;
    }
    ClusterActivities cluster = cluster(SHORT.toBuilder()
        .setTaskQueue(TaskQueues.forHost(target.host())).build(), "start " + target.instance()
        + " on " + target.host() + " again (its data is intact)");
    try {
      cluster.startCluster(new StepInput(jobId, target.instance(), target.host()));
      dataState = DataState.UNTOUCHED;
    } catch (ActivityFailure restartFailure) {
      log.error("job {}: could not restart the untouched cluster: {}", jobId,
          JobFailures.rootMessage(restartFailure));
    }
  }

  private void fail(ActivityFailure e) {
    message = JobFailures.rootMessage(e);
    state = JobState.FAILED;
    record(JobState.FAILED, null, message + "; data directory: " + dataWords());
  }

  private RestoreResult result(JobState finalState, RestorePlan plan, String text) {
    state = finalState;
    message = text;
    return new RestoreResult(jobId, target.instance(), target.host(), finalState, backupId, plan,
        steps.snapshot(), text, onCall ? restoreSeconds() : null);
  }

  /** Whatever way the job came in, the Temporal UI and CLI can find it by these. */
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
    stepChanges++;
    record(state, steps.get(name), null);
  }

  /**
   * What the ledger hears of a step: from {@link #READABLE_HISTORY} on, its end only (with its
   * start time), written with the next step's start or the job's next state; the running step is
   * in the progress query. The first step after PlanRestore is also written as it starts: from
   * then on the ledger knows the job is changing the cluster (RestoresInFlight reads that).
   */
  private StepRuns.Ledger ledger() {
    if (!readable) {
      return StepRuns.Ledger.everyChange(this::recordStep);
    }
    return new StepRuns.Ledger() {
      @Override
      public void started(String name) {
        stepChanges++;
        if (!name.equals(PLAN) && !touchWritten) {
          touchWritten = true;
          recorder.record(subject(), state, steps.get(name), null, null);
        } else {
          recorder.flush(subject(), state, name);
        }
      }

      @Override
      public void ended(String name) {
        stepChanges++;
        recorder.hold(subject(), state, steps.get(name));
      }
    };
  }

  private void record(JobState jobState, StepProgress step, String error) {
    record(jobState, step, error, null);
  }

  private void record(JobState jobState, StepProgress step, String error, JobOutcome outcome) {
    recorder.record(subject(), jobState, step, error, outcome);
  }

  private JobRecorder.Subject subject() {
    String host = target != null ? target.host() : request == null ? null : request.host();
    return new JobRecorder.Subject(instance(), host, via(), request, null);
  }

  /** The plan in words: the PlanRestore step's detail, and what a person approving reads. */
  private static String describe(RestorePlan p) {
    StringBuilder words = new StringBuilder("backup " + p.backupId() + " (" + p.backupMode()
        + ", " + Sizes.human(p.dataBytes()) + ", chain " + String.join(">", p.chain())
        + "); free " + Sizes.human(p.freeBytes()));
    if (p.dataLossSeconds() != null) {
      words.append("; RPO ").append(Durations.words(p.dataLossSeconds()))
          .append(" of commits lost (restores to ").append(p.backupTime()).append(")");
    }
    if (p.estimateBasis() != null) {
      words.append("; RTO ").append(p.estimatedSeconds() == null ? p.estimateBasis()
          : "about " + Durations.words(p.estimatedSeconds()) + " (" + p.estimateBasis() + ")");
    }
    return words.toString();
  }

  @Override
  public void grant() {
    granted = true;
  }

  @Override
  public void approve(Approval approval) {
    answer(approval, true);
  }

  @Override
  public void reject(Approval approval) {
    answer(approval, false);
  }

  /** The first answer of a person to a job awaiting approval counts; anything else is logged. */
  private void answer(Approval approval, boolean approve) {
    if (approval == null || approval.by() == null || approval.by().isBlank()) {
      log.warn("job {}: an {} without a name (by) is ignored", jobId,
          approve ? "approval" : "rejection");
      return;
    }
    if (state != JobState.AWAITING_APPROVAL || decision != null) {
      log.warn("job {}: {} by {} ignored: the job is {}", jobId,
          approve ? "approval" : "rejection", approval.by(),
          decision != null ? "already answered" : state);
      return;
    }
    decision = approval;
    approved = approve;
  }

  @Override
  public RestoreProgress progress() {
    return new RestoreProgress(jobId, instance(), target != null ? target.host() : null, state,
        steps.current(), backupId, steps.snapshot(), message, dataWords(), plan);
  }
}
