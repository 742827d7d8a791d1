package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.ProvenBackup;
import dev.restoreflow.workflows.model.RestoreEstimate;
import dev.restoreflow.client.HostQueues;
import dev.restoreflow.client.OpenJobs;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.ResolvedBackup;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreRequest;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The server process's local activities, faked the way production behaves: a small config of
 * instances and hosts, a real signal-with-start of the host queue, a real describe for
 * {@code isWorkflowOpen}, and an in-memory ledger.
 */
final class FakeServerActivities implements ServerActivities {

  private volatile RestoreEstimate estimate = RestoreEstimate.noHistory();
  private final List<ProvenBackup> proven = new java.util.ArrayList<>();
  private volatile java.util.function.Function<String, String> progressMarks = id -> "none";

  /** What progressMark answers from now on. */
  void progressMarks(java.util.function.Function<String, String> marks) {
    progressMarks = marks;
  }

  /** instance -> its host in the (fake) config. */
  static final Map<String, String> INSTANCES = Map.of("main1", "db1", "reports", "db2",
      "lake", "db1", "shop", "db1");
  /** instance -> its engine; the others are probackup instances. */
  static final Map<String, String> ENGINES = Map.of("lake", "basebackup", "shop", "pgdump");
  static final Set<String> HOSTS = Set.of("db1", "db2", "A", "B");

  /** The fake registry: the restore step of an instance's engine. */
  static String restoreStepOf(String instance) {
    return "basebackup".equals(ENGINES.get(instance)) ? BaseBackupActivities.FETCH_STEP
        : "pgdump".equals(ENGINES.get(instance)) ? LogicalRestoreActivities.RESTORE_STEP
        : ProbackupActivities.RESTORE_STEP;
  }

  /** The fake registry: the steps of a restore of the instance (pgdump's keep the cluster up). */
  static List<PlannedStep> restoreStepsOf(String instance, boolean incremental) {
    if ("pgdump".equals(ENGINES.get(instance))) {
      return List.of(PlannedStep.run(Steps.PLAN), PlannedStep.run(restoreStepOf(instance)),
          PlannedStep.run(Steps.VERIFY));
    }
    return Steps.restore(restoreStepOf(instance), incremental);
  }

  static String engineOf(String instance) {
    return ENGINES.getOrDefault(instance, "probackup");
  }

  private final WorkflowClient client;
  private final List<JobEvent> events = new ArrayList<>();
  private final AtomicInteger resolveCalls = new AtomicInteger();
  private final AtomicInteger turnRequests = new AtomicInteger();
  private volatile Consumer<JobEvent> eventHook = e -> {};
  private final Set<String> forgotten = ConcurrentHashMap.newKeySet();

  FakeServerActivities(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public ResolvedRestore resolveRestore(String jobId, RestoreRequest request) {
    resolveCalls.incrementAndGet();
    String defaultHost = INSTANCES.get(request.instance());
    if (defaultHost == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "unknown instance " + request.instance(), FailureType.UNKNOWN_INSTANCE.name());
    }
    String host = request.host() != null ? request.host() : defaultHost;
    if (!HOSTS.contains(host)) {
      throw ApplicationFailure.newNonRetryableFailure("unknown host " + host,
          FailureType.UNKNOWN_HOST.name());
    }
    if (request.incremental() && "basebackup".equals(ENGINES.get(request.instance()))) {
      throw ApplicationFailure.newNonRetryableFailure("engine basebackup restores are always full",
          FailureType.NOT_SUPPORTED.name());
    }
    return new ResolvedRestore(jobId, request.instance(), host, engineOf(request.instance()),
        false, restoreStepsOf(request.instance(), request.incremental()));
  }

  @Override
  public ResolvedBackup resolveBackup(String jobId, BackupRequest request) {
    resolveCalls.incrementAndGet();
    String host = INSTANCES.get(request.instance());
    if (host == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "unknown instance " + request.instance(), FailureType.UNKNOWN_INSTANCE.name());
    }
    return new ResolvedBackup(jobId, request.instance(), host, engineOf(request.instance()),
        request.type() != null ? request.type() : "FULL", request.compression());
  }

  @Override
  public void requestTurn(String host, QueueEntry entry) {
    turnRequests.incrementAndGet();
    HostQueues.enter(client, host, entry);
  }

  @Override
  public boolean isWorkflowOpen(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId).describe().getStatus()
        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** Like the server's: the jobs whose last event (the fake ledger) on {@code host} is not an end. */
  @Override
  public QueueState openJobsOn(String host) {
    Map<String, JobEvent> last = new LinkedHashMap<>();
    for (JobEvent event : events()) {
      if (!forgotten.contains(event.jobId())) {
        last.put(event.jobId(), event);
      }
    }
    return OpenJobs.of(client, host, entries(last, host, JobState.RUNNING),
        entries(last, host, JobState.QUEUED));
  }

  private static List<QueueEntry> entries(Map<String, JobEvent> last, String host, JobState state) {
    return last.values().stream()
        .filter(e -> host.equals(e.host()) && e.state() == state)
        .map(e -> new QueueEntry(e.workflowId(), e.jobId(), e.instance(), e.atMillis(), e.kind()))
        .toList();
  }

  /** Makes the fake ledger lose a job, as a ledger write that failed would. */
  void forget(String jobId) {
    forgotten.add(jobId);
  }

  @Override
  public List<dev.restoreflow.workflows.model.StepInput> catalogTargets(String instance) {
    return INSTANCES.keySet().stream().sorted()
        .filter(name -> instance == null || name.equals(instance))
        .map(name -> new dev.restoreflow.workflows.model.StepInput("catalog", name,
            INSTANCES.get(name)))
        .toList();
  }

  @Override
  public void recordJobEvent(JobEvent event) {
    synchronized (events) {
      events.add(event);
    }
    eventHook.accept(event);
  }
  @Override
  public RestoreEstimate estimateRestore(String instance, String engine, long dataBytes) {
    return estimate;
  }

  /** What estimateRestore answers from now on. */
  void estimate(RestoreEstimate value) {
    estimate = value;
  }

  @Override
  public String progressMark(String workflowId) {
    return progressMarks.apply(workflowId);
  }

  @Override
  public List<ProvenBackup> provenBackups(String instance) {
    synchronized (events) {
      return List.copyOf(proven);
    }
  }

  void prove(ProvenBackup proof) {
    synchronized (events) {
      proven.add(proof);
    }
  }


  /** Runs inside recordJobEvent, e.g. to hold the workflow at one event. */
  void onEvent(Consumer<JobEvent> hook) {
    eventHook = hook;
  }

  List<JobEvent> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  int resolveCalls() {
    return resolveCalls.get();
  }

  int turnRequests() {
    return turnRequests.get();
  }
}
