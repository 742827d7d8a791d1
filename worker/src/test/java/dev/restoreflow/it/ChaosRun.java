package dev.restoreflow.it;

import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The chaos harness: N jobs on the {@link ChaosRig}, each with a SIGKILL at a uniformly random
 * moment inside it — the host worker every time, {@code restoreflow server} in jobs 1, 5, 9, ...
 * (every 4th), the Temporal dev server in jobs 1, 9, 17, ... (every 8th) — and each killed
 * process started again after its own random 0-20 s. Every random choice comes from one seeded
 * {@link Random}, so a seed replays the same kill moments and delays.
 *
 * <p>"Inside the job": the moment is drawn uniformly over the job's length, which a calibration
 * job of each kind (same throttles, no kill) measures first. A job that ends before its drawn
 * moment becomes the new measure of its kind, and a new job of the kind gets a new draw (at most
 * {@link #TRIES} jobs).
 */
final class ChaosRun {

  static final int TRIES = 4;
  private static final double MAX_RESTART_DELAY_SECONDS = 20;

  /**
   * @param jobs how many jobs with kills
   * @param seed of every random choice
   * @param windowSeconds how long each job's slowed step lasts (before the kill speeds it up)
   * @param jobLimit how long one job may take, kills and restarts included
   */
  record Settings(int jobs, long seed, int windowSeconds, Duration jobLimit) {}

  /** A backup the next restore of an instance restores, and the data it holds. */
  private record Backup(String id, Map<String, String> data) {}

  /** The draws of one job: when to kill (fraction of the job), when to restart each process. */
  private record Draw(double when, double workerDelay, double serverDelay, double temporalDelay) {}

  /** One job as it was run: whether the kill landed inside it, and its row. */
  private record Executed(boolean killLanded, double tookSeconds, ChaosReport.Row row) {}

  private final ChaosRig rig;
  private final Settings settings;
  private final Random random;
  private final PrintStream out;
  private final ChaosReport report = new ChaosReport();
  private final Map<String, Backup> current = new HashMap<>();
  private final Map<ChaosJobKind, Double> calibrated = new EnumMap<>(ChaosJobKind.class);
  private final ScheduledExecutorService restarter = Executors.newScheduledThreadPool(3, r -> {
    Thread t = new Thread(r, "chaos-restart");
    t.setDaemon(true);
    return t;
  });
  private ChaosThrottles throttles;

  ChaosRun(ChaosRig rig, Settings settings, PrintStream out) {
    this.rig = rig;
    this.settings = settings;
    this.random = new Random(settings.seed());
    this.out = out;
  }

  ChaosReport run() throws Exception {
    out.printf("chaos: %d jobs, seed %d (replay: SEED=%d bench/chaos, or -Dchaos.seed=%d)%n",
        settings.jobs(), settings.seed(), settings.seed(), settings.seed());
    Map<String, Path> pgdata = Map.of(ChaosRig.PB, Path.of(rig.pb.instance.pgdata()),
        ChaosRig.BB, Path.of(rig.bb.instance.pgdata()));
    try (PartialDataWatch watch = new PartialDataWatch(pgdata)) {
      pgdata.forEach((instance, dir) -> {
        if (!PartialDataWatch.postmasterRunning(dir)) {
          throw new IllegalStateException("the watch does not see " + instance
              + "'s running PostgreSQL on " + dir + ": it could see no violation either");
        }
      });
      current.put(ChaosRig.PB, firstBackup(ChaosRig.PB));
      current.put(ChaosRig.BB, firstBackup(ChaosRig.BB));
      throttles = ChaosThrottles.measure(rig, settings.windowSeconds());
      out.println("chaos: " + throttles);
      for (ChaosJobKind kind : ChaosJobKind.used(settings.jobs())) {
        Executed calibration = execute(0, kind, null);
        if (!calibration.row().problems().isEmpty()) {
          report.problem("calibration of " + kind.label + " failed: "
              + calibration.row().problems());
          return report;
        }
        calibrated.put(kind, calibration.tookSeconds());
        out.printf("chaos: calibration: %s takes %.1f s without kills%n", kind.label,
            calibration.tookSeconds());
      }
      for (int number = 1; number <= settings.jobs(); number++) {
        ChaosReport.Row row = killedJob(number);
        report.add(row);
        out.println("chaos: " + ChaosReport.line(row));
        row.problems().forEach(p -> out.println("chaos:      problem: " + p));
      }
      watch.violations().forEach(v -> report.problem("partial data: " + v));
      report.note(String.format("%npartial-data watch: %d looks at both data directories, every"
          + " 200 ms, %d of them found a marker; %d violations", watch.looks(),
          watch.markedLooks(), watch.violations().size()));
      report.note(String.format("processes that exited by themselves and were restarted (as"
          + " systemd would, after %d s): server %d, worker %d", Supervised.RESTART_SEC,
          rig.server.restartsAfterExit(), rig.worker.restartsAfterExit()));
    } finally {
      restarter.shutdownNow();
    }
    return report;
  }

  /**
   * The backup the first restores of an instance restore: a backup job without kills, which
   * also warms up the fresh server and worker JVMs (their first job is slow: PlanRestore took
   * 17 s instead of 1 s), so that the calibrations measure what the jobs will take.
   */
  private Backup firstBackup(String instance) throws Exception {
    Map<String, String> data = rig.sandbox(instance).sandbox.fingerprint();
    long start = System.nanoTime();
    Submission job = submit(instance.equals(ChaosRig.PB) ? ChaosJobKind.PROBACKUP_BACKUP
        : ChaosJobKind.BASEBACKUP_BACKUP, null);
    if (!awaitEnd(job.workflowId(), start)) {
      throw new IllegalStateException("the first backup of " + instance + " did not end");
    }
    RestoreProgress backup = progress(job.workflowId());
    if (backup.state() != JobState.SUCCEEDED) {
      throw new IllegalStateException("the first backup of " + instance + " ended "
          + backup.state() + ": " + backup.message());
    }
    out.printf("chaos: first backup of %s: %s (%.1f s)%n", instance, backup.backupId(),
        (System.nanoTime() - start) / 1e9);
    return new Backup(backup.backupId(), data);
  }

  /** Job {@code number} with its kills; a job that ends before the drawn moment is drawn again. */
  private ChaosReport.Row killedJob(int number) throws Exception {
    ChaosJobKind kind = ChaosJobKind.ofJob(number - 1);
    Draw draw = new Draw(random.nextDouble(), delay(), delay(), delay());
    for (int attempt = 1; attempt <= TRIES; attempt++) {
      Executed job = execute(number, kind, draw);
      if (job.killLanded()) {
        return job.row();
      }
      String missed = String.format("job %d (%s): the drawn moment %.1f s came after the job's"
          + " end (%.1f s, now the measure of its kind); drawn again", number, kind.label,
          draw.when() * calibrated.get(kind), job.tookSeconds());
      calibrated.put(kind, job.tookSeconds());
      report.note(missed);
      out.println("chaos: " + missed);
      job.row().problems().forEach(p -> report.problem("job " + number + " (not killed): " + p));
      draw = new Draw(random.nextDouble(), draw.workerDelay(), draw.serverDelay(),
          draw.temporalDelay());
    }
    throw new IllegalStateException("job " + number + ": no kill landed inside " + TRIES
        + " jobs; the calibration (" + calibrated.get(kind) + " s) is far off");
  }

  private double delay() {
    return random.nextDouble() * MAX_RESTART_DELAY_SECONDS;
  }

  /**
   * What a job is checked against: the data it must leave (a restore: its backup's; a backup:
   * the data when it was taken) and, for a backup, the valid backups before it.
   */
  private record Expected(Map<String, String> data, Set<String> backupsBefore) {}

  /** Runs one job; kills during it when {@code draw} is given. */
  private Executed execute(int number, ChaosJobKind kind, Draw draw) throws Exception {
    Expected expected;
    try {
      expected = prepare(number, kind);
    } catch (RuntimeException e) {
      // e.g. a job before failed and left the cluster stopped: this one is not run
      return new Executed(true, 0, new ChaosReport.Row(number, kind, "-", "-", 0, "-", "-", "-",
          "NOT RUN", 0, "not checked",
          List.of("could not prepare the job (is the cluster up?): " + e.getMessage())));
    }
    throttles.slow(kind);
    long start = System.nanoTime();
    Submission job = submit(kind, current.get(kind.instance).id());
    KillOutcome kill = draw == null ? null
        : killInside(number, kind, job, start, draw.when() * calibrated.get(kind), draw);
    boolean ended = awaitEnd(job.workflowId(), start);
    double took = (System.nanoTime() - start) / 1e9;
    throttles.off();
    if (kill != null) {
      kill.awaitRestarts();
    }
    awaitProcessesUp();
    boolean missed = kill != null && !kill.landed();
    ChaosReport.Row row = judge(number, kind, job, missed ? null : kill, ended, took, expected);
    return new Executed(!missed, took, row);
  }

  /** Changes the data, so that a restore has something to undo and a backup something new. */
  private Expected prepare(int number, ChaosJobKind kind) throws Exception {
    ItSandbox sandbox = rig.sandbox(kind.instance);
    if (kind.isBackup()) {
      sandbox.sandbox.sql("insert into accounts values (" + (1_000_000 + number)
          + ", 'chaos job " + number + "', " + number + ") on conflict do nothing");
      return new Expected(sandbox.sandbox.fingerprint(), rig.validBackups(kind.instance));
    }
    sandbox.sandbox.sql(kind.isIncremental()
        ? "update accounts set owner = 'changed by job " + number + "' where id % 50 = 0"
        : "delete from transfers where id % 3 = " + (number % 3) + ";"
            + " update accounts set balance = balance + 1 where id % 10 = " + (number % 10));
    return new Expected(current.get(kind.instance).data(), Set.of());
  }

  /** The ended job's row: its outcome, attempts, the checks at the kill, and its data. */
  private ChaosReport.Row judge(int number, ChaosJobKind kind, Submission job, KillOutcome kill,
      boolean ended, double took, Expected expected) throws Exception {
    List<String> problems = new ArrayList<>();
    if (!ended) {
      problems.add("did not end within " + settings.jobLimit().toMinutes() + " min");
    }
    for (String left : Leftovers.lasting(rig.jobPaths(),
        List.of(rig.pb.instance.port(), rig.bb.instance.port()))) {
      problems.add("left running after the job: " + left);
    }
    RestoreProgress progress = progress(job.workflowId());
    List<StepProgress> steps = progress.steps();
    List<List<Integer>> attempts = new ArrayList<>();
    for (StepProgress step : steps) {
      attempts.add(step.status() == StepStatus.SKIPPED ? List.of()
          : Histories.attempts(rig.client, job.workflowId(), step.name()));
    }
    if (progress.state() != JobState.SUCCEEDED) {
      problems.add("ended " + progress.state() + ": " + progress.message());
    }
    if (kill != null) {
      if (kill.violation() != null) {
        problems.add(kill.violation());
      }
      problems.addAll(stepsBeforeRanTwice(steps, attempts, kill));
    }
    String data = progress.state() == JobState.SUCCEEDED
        ? verify(number, kind, progress.backupId(), expected, problems)
        : "not checked";
    return new ChaosReport.Row(number, kind, kill == null ? "-" : kill.killed(),
        kill == null ? "-" : kill.step(), kill == null ? 0 : kill.afterSeconds(),
        kill == null ? "-" : kill.postgresRunning() ? "up" : "down",
        kill == null ? "-" : kill.restarts(), attemptsText(steps, attempts),
        progress.state().name(), took, data, problems);
  }

  private Submission submit(ChaosJobKind kind, String backupId) {
    return switch (kind) {
      case PROBACKUP_FULL, BASEBACKUP_FULL, PROBACKUP_INCREMENTAL -> rig.restoreflow.submit(
          RestoreRequest.of(kind.instance).withHost(ChaosRig.HOST).withBackupId(backupId)
              .withIncremental(kind.isIncremental()).withRequestedVia("api", "chaos"));
      case PROBACKUP_BACKUP -> rig.restoreflow.submitBackup(BackupRequest.of(kind.instance)
          .withType("FULL").withRequestedVia("api", "chaos"));
      case BASEBACKUP_BACKUP -> rig.restoreflow.submitBackup(BackupRequest.of(kind.instance)
          .withCompression("none").withRequestedVia("api", "chaos"));
    };
  }

  // ------------------------------------------------------------------------------ the kill

  /** What happened at a kill. */
  private record KillOutcome(boolean landed, String killed, String step, String lastDone,
      double afterSeconds, boolean postgresRunning, String violation, String restarts,
      List<Future<?>> restartsDone) {

    void awaitRestarts() throws Exception {
      for (Future<?> restart : restartsDone) {
        restart.get(2, TimeUnit.MINUTES);
      }
    }
  }

  /**
   * Waits for the drawn moment, looks at the job's step and the data directory, SIGKILLs, takes
   * the throttles off (the retry need not be slow) and schedules the restarts.
   */
  private KillOutcome killInside(int number, ChaosJobKind kind, Submission job, long start,
      double atSeconds, Draw draw) throws Exception {
    long due = start + (long) (atSeconds * 1e9);
    while (System.nanoTime() < due) {
      if (closed(job.workflowId())) {
        return new KillOutcome(false, "-", "-", null, 0, false, null, "-", List.of());
      }
      long left = due - System.nanoTime();
      Thread.sleep(Math.max(0, Math.min(200, left / 1_000_000)));
    }
    Path pgdata = Path.of(rig.sandbox(kind.instance).instance.pgdata());
    String[] lastDone = new String[1];
    PartialDataWatch.AtKill check = PartialDataWatch.atKill(pgdata,
        () -> stepNow(job.workflowId(), lastDone), ChaosJobKind.WRITING_STEPS);
    double after = (System.nanoTime() - start) / 1e9;
    boolean server = (number - 1) % 4 == 0;
    boolean temporal = (number - 1) % 8 == 0;
    rig.worker.kill9();
    if (server) {
      rig.server.kill9();
    }
    if (temporal) {
      rig.killTemporal();
    }
    throttles.off();

    List<Future<?>> restarts = new ArrayList<>();
    StringBuilder when = new StringBuilder(String.format("w %.1f", draw.workerDelay()));
    restarts.add(restartAfter(draw.workerDelay(), () -> rig.worker.start()));
    if (server) {
      when.append(String.format(" s %.1f", draw.serverDelay()));
      restarts.add(restartAfter(draw.serverDelay(), () -> rig.server.start()));
    }
    if (temporal) {
      when.append(String.format(" t %.1f", draw.temporalDelay()));
      restarts.add(restartAfter(draw.temporalDelay(), rig::restartTemporal));
    }
    String killed = "worker" + (server ? "+server" : "") + (temporal ? "+temporal" : "");
    return new KillOutcome(true, killed, check.step(), lastDone[0], after,
        check.postgresRunning(), check.violation(), when.toString(), restarts);
  }

  private interface Restart {
    void run() throws Exception;
  }

  private Future<?> restartAfter(double seconds, Restart restart) {
    return restarter.schedule(() -> {
      restart.run();
      return null;
    }, (long) (seconds * 1000), TimeUnit.MILLISECONDS);
  }

  /**
   * The job's step now: the activity the Temporal server holds as pending (it knows of a step's
   * end before the workflow's progress query does), else where the job waits ("queued"), else
   * "between steps". {@code lastDone} gets the last finished step the query reports, for a kill
   * between steps.
   */
  private String stepNow(String workflowId, String[] lastDone) {
    RestoreProgress progress = null;
    try {
      progress = CompletableFuture.supplyAsync(() -> rig.client
          .newUntypedWorkflowStub(workflowId).query("progress", RestoreProgress.class))
          .get(5, TimeUnit.SECONDS);
      progress.steps().stream().filter(s -> s.status() == StepStatus.DONE)
          .reduce((a, b) -> b).ifPresent(s -> lastDone[0] = s.name());
    } catch (Exception e) {
      // no answer in time: what the server holds
    }
    try {
      var pending = rig.describe(workflowId).getPendingActivitiesList();
      if (!pending.isEmpty()) {
        return pending.get(0).getActivityType().getName();
      }
    } catch (RuntimeException e) {
      // the server did not answer: what the query said
      if (progress != null && progress.currentStep() != null) {
        return progress.currentStep();
      }
    }
    if (progress == null) {
      return "unknown";
    }
    if (progress.state() == JobState.QUEUED || progress.state() == JobState.RESOLVING) {
      return progress.state().name().toLowerCase();
    }
    return "between steps";
  }

  /**
   * The steps before the one the kill hit must each have run once, on their first attempt: the
   * kill may only make the step it hit run again (and, when it landed between two steps, none).
   */
  private static List<String> stepsBeforeRanTwice(List<StepProgress> steps,
      List<List<Integer>> attempts, KillOutcome kill) {
    List<String> names = steps.stream().map(StepProgress::name).toList();
    int hit = names.indexOf(kill.step());
    if (hit < 0 && kill.step().equals("between steps")) {
      hit = kill.lastDone() == null ? 0 : names.indexOf(kill.lastDone()) + 1;
    }
    if (hit < 0) {
      hit = 0;
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < hit; i++) {
      if (steps.get(i).status() != StepStatus.SKIPPED && !attempts.get(i).equals(List.of(1))) {
        problems.add(names.get(i) + " ran before the kill (in " + kill.step() + ") and again:"
            + " attempts " + attempts.get(i));
      }
    }
    return problems;
  }

  // ------------------------------------------------------------------------------ the end

  private boolean closed(String workflowId) {
    try {
      return rig.describe(workflowId).getWorkflowExecutionInfo().getStatus()
          != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (RuntimeException unavailable) {
      return false;
    }
  }

  /** Polls until the job has ended; Temporal may be down meanwhile. False when out of time. */
  private boolean awaitEnd(String workflowId, long start) throws InterruptedException {
    long deadline = start + settings.jobLimit().toNanos();
    while (System.nanoTime() < deadline) {
      if (closed(workflowId)) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  private void awaitProcessesUp() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!(rig.server.isAlive() && rig.worker.isAlive())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("server or worker not up again within 60 s");
      }
      Thread.sleep(200);
    }
  }

  /** The job's progress after its end (the server, maybe just restarted, replays it). */
  private RestoreProgress progress(String workflowId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        return rig.client.newUntypedWorkflowStub(workflowId).query("progress",
            RestoreProgress.class);
      } catch (RuntimeException e) {
        last = e;
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("no progress of " + workflowId + " within 90 s", last);
  }

  private static String attemptsText(List<StepProgress> steps, List<List<Integer>> attempts) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      List<Integer> a = attempts.get(i);
      parts.add(a.isEmpty() ? "-" : a.stream().map(String::valueOf)
          .collect(Collectors.joining("+")));
    }
    return String.join(" ", parts);
  }

  // ------------------------------------------------------------------------------ the data

  /**
   * A restore: the instance's data equals the backup's. A backup: exactly one new valid backup,
   * and a restore of it (no kill) brings back the data of its time; it becomes the instance's
   * backup for the next restores.
   */
  private String verify(int number, ChaosJobKind kind, String backupId, Expected expected,
      List<String> problems) throws Exception {
    ItSandbox sandbox = rig.sandbox(kind.instance);
    if (kind.isBackup()) {
      Set<String> added = new TreeSet<>(rig.validBackups(kind.instance));
      added.removeAll(expected.backupsBefore());
      if (!added.equals(Set.of(backupId))) {
        problems.add("new valid backups " + added + ", expected exactly [" + backupId + "]");
      }
      Submission check = rig.restoreflow.submit(RestoreRequest.of(kind.instance)
          .withHost(ChaosRig.HOST).withBackupId(backupId)
          .withRequestedVia("api", "chaos verify job " + number));
      long start = System.nanoTime();
      if (!awaitEnd(check.workflowId(), start)) {
        problems.add("the restore of backup " + backupId + " did not end");
        return "not checked";
      }
      RestoreProgress restored = progress(check.workflowId());
      if (restored.state() != JobState.SUCCEEDED) {
        problems.add("the restore of backup " + backupId + " ended " + restored.state() + ": "
            + restored.message());
        return "not restorable";
      }
    }
    Map<String, String> actual;
    try {
      actual = sandbox.sandbox.fingerprint();
    } catch (RuntimeException e) {
      problems.add("cannot read the data: " + e.getMessage());
      return "unreadable";
    }
    Map<String, String> wanted = expected.data();
    if (!actual.equals(wanted)) {
      List<String> differ = wanted.keySet().stream()
          .filter(t -> !wanted.get(t).equals(actual.get(t))).toList();
      problems.add("data differs from backup " + backupId + " in " + differ + ": expected "
          + wanted + ", got " + actual);
      return "DIFFERS " + differ;
    }
    if (kind.isBackup()) {
      current.put(kind.instance, new Backup(backupId, wanted));
      return "verified (restored)";
    }
    return "verified";
  }
}
