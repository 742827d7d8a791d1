package dev.restoreflow.workflows;

import dev.restoreflow.workflows.activities.BackupActivities;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.activities.CatalogActivities;
import dev.restoreflow.workflows.activities.ClusterActivities;
import dev.restoreflow.workflows.activities.PlanActivities;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.activities.RetentionActivities;
import dev.restoreflow.workflows.model.BackupInput;
import dev.restoreflow.workflows.model.BackupPlan;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.RestoreTarget;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.RestorePlan;
import dev.restoreflow.workflows.model.RetentionInput;
import dev.restoreflow.workflows.model.RetentionReport;
import dev.restoreflow.workflows.model.RetentionVerdict;
import dev.restoreflow.workflows.model.StepInput;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.TakenBackup;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One database host, faked: the activities of its task queue record what they were asked to do
 * (in order, with real-time intervals) and can be told to fail, fail for a while, or block.
 */
final class FakeHost implements PlanActivities, ClusterActivities, ProbackupActivities,
    BaseBackupActivities, BackupActivities, CatalogActivities, LogicalRestoreActivities,
    RetentionActivities {

  /** The backup catalog of every instance on a fake host, oldest first. */
  static final List<String> BACKUPS = List.of("SFULL01", "SDELTA02");
  static final String NEWEST_BACKUP = "SDELTA02";

  /** Runs inside a step, before it does its work; may block, throw, or record. */
  @FunctionalInterface
  interface Hook {
    void run(StepInput input) throws Exception;
  }

  /** One finished attempt of a step, timed on the real clock. */
  record Call(String step, String jobId, String detail, long startedNanos, long endedNanos,
      String outcome) {

    boolean overlaps(Call other) {
      return startedNanos < other.endedNanos && other.startedNanos < endedNanos;
    }
  }

  private final String host;
  private final List<String> started = new ArrayList<>();
  private final List<Call> calls = new ArrayList<>();
  private final List<PlanInput> plansAsked = new ArrayList<>();
  private final List<StepInput> inputs = new ArrayList<>();
  private final Map<String, Hook> hooks = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> transientFailures = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final Map<String, FailureType> failureTypes = new ConcurrentHashMap<>();
  private final AtomicInteger takenBackups = new AtomicInteger();
  private final List<Long> wipeSizes = new ArrayList<>();
  private final List<String> discarded = new ArrayList<>();
  private volatile Runnable whenDiscarding;

  FakeHost(String host) {
    this.host = host;
  }

  // ---- what the tests set up

  void onStep(String step, Hook hook) {
    hooks.put(step, hook);
  }

  /** The step fails {@code times} times with a retryable COMMAND_FAILED, then works. */
  void failTransiently(String step, int times, FailureType type) {
    failureTypes.put(step, type);
    failTransiently(step, times);
  }

  void failTransiently(String step, int times) {
    transientFailures.put(step, new AtomicInteger(times));
  }

  /** Holds every attempt of {@code step} until the returned gate opens (or is cancelled). */
  Gate gate(String step) {
    Gate gate = new Gate();
    onStep(step, gate);
    return gate;
  }

  // ---- what the tests read

  /** Step names in the order their attempts started (a retried step shows up again). */
  List<String> steps() {
    synchronized (started) {
      return List.copyOf(started);
    }
  }

  List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  List<Call> calls(String step) {
    return calls().stream().filter(c -> c.step().equals(step)).toList();
  }

  /** What each step attempt was given, in the order they started. */
  List<StepInput> inputs() {
    synchronized (started) {
      return List.copyOf(inputs);
    }
  }

  /** What PlanRestore was given, one entry per attempt. */
  List<PlanInput> plansAsked() {
    synchronized (plansAsked) {
      return List.copyOf(plansAsked);
    }
  }

  /** Runs inside DiscardOldData (a test looks at the ledger then). */
  void whenDiscarding(Runnable check) {
    whenDiscarding = check;
  }

  /** The restore size each WipeData attempt was given; -1 for none (delete). */
  List<Long> wipeSizes() {
    synchronized (wipeSizes) {
      return List.copyOf(wipeSizes);
    }
  }

  /** The jobs whose old data DiscardOldData was asked to delete, in order. */
  List<String> discarded() {
    synchronized (discarded) {
      return List.copyOf(discarded);
    }
  }

  int attempts(String step) {
    AtomicInteger count = attempts.get(step);
    return count == null ? 0 : count.get();
  }

  // ---- the activities

  @Override
  public RestorePlan planRestore(PlanInput input) {
    synchronized (plansAsked) {
      plansAsked.add(input);
    }
    return run(Steps.PLAN, input.step(), "planned", () -> {
      String backupId = input.backupId() == null ? NEWEST_BACKUP : input.backupId();
      if (!BACKUPS.contains(backupId)) {
        throw ApplicationFailure.newNonRetryableFailure(
            "backup " + backupId + " not found in the catalog of " + input.step().instance(),
            FailureType.BACKUP_NOT_FOUND.name());
      }
      List<String> chain = BACKUPS.subList(0, BACKUPS.indexOf(backupId) + 1);
      String instance = input.step().instance();
      String engine = FakeServerActivities.engineOf(instance);
      RestorePlan plan = new RestorePlan(instance, host, engine, backupId,
          backupId.startsWith("SFULL") ? "FULL" : "DELTA", "2024-05-01 10:00:00+00",
          List.copyOf(chain), 1_600_000_000L, 50_000_000_000L, "/var/lib/postgresql/16/main",
          FakeServerActivities.restoreStepsOf(instance, input.incremental()));
      return !"basebackup".equals(engine) ? plan
          : plan.withSource("s3://backups/" + instance + "/" + backupId + "/base.tar.zst");
    });
  }

  @Override
  public StepResult stopCluster(StepInput input, boolean immediate) {
    String detail = immediate ? "stopped (immediate)" : "stopped (fast)";
    return run(Steps.STOP, input, detail, () -> null);
  }

  @Override
  public StepResult wipeData(StepInput input, Long restoreBytes) {
    synchronized (wipeSizes) {
      wipeSizes.add(restoreBytes == null ? -1L : restoreBytes);
    }
    return run(Steps.WIPE, input, restoreBytes == null ? "wiped"
        : "moved 23 entries aside to /var/lib/postgresql/16/.main.restoreflow-old-"
            + input.jobId() + " (deleted once the restore has succeeded, else by the next full"
            + " restore of this instance)", () -> null);
  }

  /**
   * Not one of {@link #steps()}: it runs after the job has succeeded. Recorded in
   * {@link #discarded()}.
   */
  @Override
  public StepResult discardOldData(StepInput input) {
    synchronized (discarded) {
      discarded.add(input.jobId());
    }
    if (whenDiscarding != null) {
      whenDiscarding.run();
    }
    long now = System.currentTimeMillis();
    return new StepResult(Steps.DISCARD, now, now, "deleted the old data");
  }

  @Override
  public StepResult probackupRestore(EngineRestoreInput input) {
    String detail = "restored " + input.backupId() + (input.incremental() ? " (incremental)" : "");
    return run(ProbackupActivities.RESTORE_STEP, input.step(), detail, () -> null);
  }

  @Override
  public StepResult fetchS3(EngineRestoreInput input) {
    return run(BaseBackupActivities.FETCH_STEP, input.step(), "fetched " + input.backupId(),
        () -> null);
  }

  @Override
  public StepResult pgDumpRestore(EngineRestoreInput input) {
    return run(LogicalRestoreActivities.RESTORE_STEP, input.step(), "restored " + input.backupId()
        + " into a new database and swapped it in", () -> null);
  }

  @Override
  public RetentionReport planRetention(RetentionInput input) {
    return run(Steps.PLAN_RETENTION, input.step(), "planned", () -> new RetentionReport(
        input.step().instance(), FakeServerActivities.engineOf(input.step().instance()),
        "daily " + (input.daily() == null ? 7 : input.daily()),
        List.of(new RetentionVerdict(BACKUPS.get(1), "DELTA", "2024-05-02T10:00:00Z", true,
            List.of("newest good backup")), new RetentionVerdict(BACKUPS.get(0), "FULL",
            "2024-05-01T10:00:00Z", true, List.of("needed by kept " + BACKUPS.get(1))),
            new RetentionVerdict("SOLD00", "FULL", "2024-04-01T10:00:00Z", false,
                List.of("beyond full 3"))), List.of("SOLD00")));
  }

  @Override
  public StepResult applyRetention(RetentionInput input, List<String> planned) {
    return run(Steps.APPLY_RETENTION, input.step(), "deleted " + planned, () -> null);
  }

  @Override
  public BackupPlan planBackup(BackupInput input) {
    return run(Steps.PLAN_BACKUP, input.step(), "planned", () -> new BackupPlan(
        input.step().instance(), host, FakeServerActivities.engineOf(input.step().instance()),
        input.type(), input.type().equals("FULL") ? null : NEWEST_BACKUP, "planned "
            + input.type()));
  }

  @Override
  public TakenBackup takeBackup(BackupInput input) {
    String id = "SNEW" + String.format("%03d", takenBackups.incrementAndGet());
    return run(Steps.TAKE_BACKUP, input.step(), "took " + id, () -> new TakenBackup(id,
        input.type(), 1_000_000L, System.currentTimeMillis(), System.currentTimeMillis(),
        "took " + id));
  }

  @Override
  public StepResult verifyBackup(BackupInput input, String backupId) {
    return run(Steps.VERIFY_BACKUP, input.step(), "verified " + backupId, () -> null);
  }

  @Override
  public RestoreTarget describeTarget(StepInput input) {
    return run("DescribeTarget", input, "described", () -> new RestoreTarget(input.host(),
        "data directory /fake/" + input.instance(), true, 1L << 30, 2, null));
  }

  @Override
  public InstanceCatalog listBackups(StepInput input) {
    return run("ListBackups", input, "listed", () -> new InstanceCatalog(input.instance(),
        FakeServerActivities.engineOf(input.instance()), BACKUPS.stream().map(id ->
            new CatalogBackup(input.instance(), FakeServerActivities.engineOf(input.instance()), id,
                id.startsWith("SFULL") ? "FULL" : "DELTA", CatalogBackup.OK, null, null, 1, 1,
                id.startsWith("SFULL") ? null : BACKUPS.get(0),
                BACKUPS.subList(0, BACKUPS.indexOf(id) + 1), null, null)).toList(),
        null, null, null, "fake"));
  }

  @Override
  public StepResult startCluster(StepInput input) {
    return run(Steps.START, input, "started", () -> null);
  }

  @Override
  public StepResult promote(StepInput input) {
    return run(Steps.PROMOTE, input, "promoted", () -> null);
  }

  @Override
  public StepResult verifyCluster(StepInput input) {
    return run(Steps.VERIFY, input, "verified", () -> null);
  }

  @Override
  public StepResult proveRestore(EngineRestoreInput input) {
    return run(Steps.PROVE, input.step(), "amcheck passed", () -> null);
  }

  @Override
  public StepResult removeScratch(StepInput input) {
    return run(Steps.REMOVE_SCRATCH, input, "scratch removed", () -> null);
  }

  /**
   * Records the attempt, runs the step's hook and transient failures, then the body. A body
   * returning null means "return a StepResult with the detail".
   */
  @SuppressWarnings("unchecked")
  private <T> T run(String step, StepInput input, String detail, Supplier<T> body) {
    synchronized (started) {
      started.add(step);
      inputs.add(input);
    }
    attempts.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
    long startedNanos = System.nanoTime();
    long startedMillis = System.currentTimeMillis();
    String outcome = "failed";
    try {
      Hook hook = hooks.get(step);
      if (hook != null) {
        hook.run(input);
      }
      AtomicInteger failures = transientFailures.get(step);
      if (failures != null && failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw ApplicationFailure.newFailure("ssh connection to " + host + " dropped",
            failureTypes.getOrDefault(step, FailureType.COMMAND_FAILED).name());
      }
      T value = body.get();
      outcome = "done";
      return value != null ? value
          : (T) new StepResult(step, startedMillis, System.currentTimeMillis(), detail);
    } catch (ActivityCompletionException e) {
      outcome = "cancelled";
      throw e;
    } catch (Exception e) {
      throw Activity.wrap(e);
    } finally {
      synchronized (calls) {
        calls.add(new Call(step, input.jobId(), detail, startedNanos, System.nanoTime(), outcome));
      }
    }
  }

  // ---- blocking helpers for hooks (they run inside an activity)

  /**
   * Heartbeats every 100 ms until the latch opens. A cancelled activity learns about it only
   * through a heartbeat: then this throws ActivityCanceledException (an
   * ActivityCompletionException), as a real long step would.
   */
  static void heartbeatUntil(CountDownLatch latch, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      Activity.getExecutionContext().heartbeat(null);
      if (latch.await(100, TimeUnit.MILLISECONDS)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the test never opened the gate");
      }
    }
  }

  /** A hook that works (heartbeating) for a while, in real time. */
  static Hook busyFor(Duration duration) {
    return input -> {
      long end = System.nanoTime() + duration.toNanos();
      while (System.nanoTime() < end) {
        Activity.getExecutionContext().heartbeat(null);
        Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      }
    };
  }

  /** Holds a step until the test opens it; tells the test when it was entered or cancelled. */
  static final class Gate implements Hook {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);
    private final CountDownLatch cancelled = new CountDownLatch(1);

    @Override
    public void run(StepInput input) throws Exception {
      entered.countDown();
      try {
        heartbeatUntil(open, Duration.ofSeconds(30));
      } catch (ActivityCompletionException e) {
        cancelled.countDown();
        throw e;
      }
    }

    void awaitEntered() throws InterruptedException {
      if (!entered.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the step was never entered");
      }
    }

    /** Whether the activity saw its cancellation (through a heartbeat) within the time. */
    boolean awaitCancelled(Duration max) throws InterruptedException {
      return cancelled.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    void open() {
      open.countDown();
    }
  }
}
