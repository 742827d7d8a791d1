package dev.restoreflow.client;

import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.Approval;
import dev.restoreflow.workflows.BackupWorkflow;
import dev.restoreflow.workflows.CatalogWorkflow;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.RestoreTargetWorkflow;
import dev.restoreflow.workflows.RestoreWorkflow;
import dev.restoreflow.workflows.RetentionWorkflow;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.Catalog;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.RestoreTarget;
import dev.restoreflow.workflows.model.RetentionRequest;
import dev.restoreflow.workflows.model.RetentionResult;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Java API for other applications: submit a restore or a backup, follow it, cancel it, wait
 * for it.
 *
 * <pre>{@code
 * RestoreflowClient restoreflow = new RestoreflowClient(WorkflowClient.newInstance(service));
 * Submission job = restoreflow.submit(RestoreRequest.of("main1").withHost("local"));
 * RestoreResult result = restoreflow.await(job.jobId(), Duration.ofHours(1));
 * }</pre>
 */
public final class RestoreflowClient {

  private static final DateTimeFormatter JOB_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final Duration POSITION_WAIT = Duration.ofSeconds(10);
  /** Between two looks at the host's queue for a job that is not in it yet. */
  private static final Duration POSITION_POLL = Duration.ofMillis(20);
  /**
   * How long a job whose host is known may be missing from the queue before the client looks
   * whether it has ended (refused); each later look waits twice as long.
   */
  private static final Duration FIRST_END_CHECK = Duration.ofSeconds(2);
  private static final Duration CATALOG_LIMIT = Duration.ofMinutes(20);

  private final WorkflowClient client;
  private final SecureRandom random = new SecureRandom();
  private final HostQueueReads queues;

  public RestoreflowClient(WorkflowClient client) {
    this.client = client;
    this.queues = new HostQueueReads(client);
  }

  public WorkflowClient workflowClient() {
    return client;
  }

  /**
   * Starts a restore job and returns once it has its place in the host's queue, so that jobs
   * submitted one after another run in that order.
   *
   * @throws RequestRejectedException when the server's resolver refuses the request (the same
   *     type and message as every other way in); the job then ends at once, having touched nothing
   */
  public Submission submit(RestoreRequest request) {
    if (request == null || request.instance() == null || request.instance().isBlank()) {
      throw new RequestRejectedException(FailureType.INVALID_REQUEST,
          "a restore needs an instance, e.g. {\"instance\":\"main1\"}");
    }
    String jobId = newJobId(request.instance());
    String workflowId = TaskQueues.restoreWorkflowId(jobId);
    RestoreWorkflow workflow = client.newWorkflowStub(RestoreWorkflow.class, options(workflowId));
    WorkflowClient.start(workflow::restore, request);
    return new Submission(jobId, workflowId, request.host(),
        waitForPosition(workflowId, request.host()));
  }

  /** Starts a backup job; like {@link #submit}, it returns once the job is in its host's queue. */
  public Submission submitBackup(BackupRequest request) {
    if (request == null || request.instance() == null || request.instance().isBlank()) {
      throw new RequestRejectedException(FailureType.INVALID_REQUEST,
          "a backup needs an instance, e.g. {\"instance\":\"main1\"}");
    }
    String jobId = newJobId(request.instance());
    String workflowId = TaskQueues.backupWorkflowId(jobId);
    BackupWorkflow workflow = client.newWorkflowStub(BackupWorkflow.class, options(workflowId));
    WorkflowClient.start(workflow::backup, request);
    int position = waitForPosition(workflowId, null);
    return new Submission(jobId, workflowId, hostOf(workflowId), position);
  }

  /**
   * Starts a retention job (a dry run unless the request applies); like {@link #submit}, it
   * returns once the job is in its host's queue.
   */
  public Submission submitRetention(RetentionRequest request) {
    if (request == null || request.instance() == null || request.instance().isBlank()) {
      throw new RequestRejectedException(FailureType.INVALID_REQUEST,
          "retention needs an instance, e.g. {\"instance\":\"main1\"}");
    }
    String jobId = newJobId(request.instance());
    String workflowId = TaskQueues.retentionWorkflowId(jobId);
    RetentionWorkflow workflow = client.newWorkflowStub(RetentionWorkflow.class,
        options(workflowId));
    WorkflowClient.start(workflow::retention, request);
    int position = waitForPosition(workflowId, null);
    return new Submission(jobId, workflowId, hostOf(workflowId), position);
  }

  /** The host a job was resolved to, or null while the server has not resolved it yet. */
  private String hostOf(String workflowId) {
    try {
      return progressOf(workflowId).host();
    } catch (WorkflowException notThereYet) {
      return null;
    }
  }

  private static WorkflowOptions options(String workflowId) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(TaskQueues.SERVER)
        .build();
  }

  /**
   * The job's queue position once it has one, or -1 when it did not show up in time. With the
   * host known, the job is looked for in that host's queue at once (a read shared with the other
   * submissions to that host, see {@link HostQueueReads}); while it is not there, whether it has
   * ended (been refused) is asked of the Temporal server (describe), not of the job: a query
   * runs on the server worker, and replays the job there if it is no longer in its cache. Without
   * a host, the job's progress tells it.
   *
   * @throws RequestRejectedException when the job ended because its request was refused
   */
  private int waitForPosition(String workflowId, String host) {
    long now = System.nanoTime();
    long deadline = now + POSITION_WAIT.toNanos();
    long endCheckIn = FIRST_END_CHECK.toNanos();
    long endCheckAt = now + endCheckIn;
    while (now < deadline) {
      try {
        boolean endCheck = now >= endCheckAt;
        if (endCheck) {
          endCheckIn *= 2;
          endCheckAt = now + endCheckIn;
        }
        if (host == null || (endCheck && !isOpen(workflowId))) {
          RestoreProgress progress = progressOf(workflowId);
          if (progress.state().isFinal()) {
            if (progress.host() == null) {
              throw rejection(workflowId);
            }
            return -1;
          }
          host = progress.host();
        }
        if (host != null) {
          int position = queues.read(host).positionOf(workflowId);
          if (position >= 0) {
            return position;
          }
        }
      } catch (WorkflowNotFoundException notThereYet) {
        // the job has not run its first workflow task yet
      } catch (WorkflowException notThereYet) {
        // the job or its host queue has not run its first workflow task yet
      }
      sleep(POSITION_POLL);
      now = System.nanoTime();
    }
    return -1;
  }

  private boolean isOpen(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId).describe().getStatus()
        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** The refusal a job that ended before it was resolved failed with. */
  private RequestRejectedException rejection(String workflowId) {
    try {
      client.newUntypedWorkflowStub(workflowId).getResult(10, TimeUnit.SECONDS, Object.class);
    } catch (WorkflowFailedException e) {
      return rejectionOf(e);
    } catch (TimeoutException | RuntimeException e) {
      return new RequestRejectedException(FailureType.INVALID_REQUEST,
          "the job ended before it was resolved: " + e.getMessage());
    }
    return new RequestRejectedException(FailureType.INVALID_REQUEST,
        "the job ended before it was resolved");
  }

  /**
   * The refusal a failed workflow carries: the type and message of the failure its chain ends
   * with — the resolver's own, as every other way in reports it — not the job's summary of it
   * (which adds where the data is).
   */
  private static RequestRejectedException rejectionOf(WorkflowFailedException e) {
    ApplicationFailure refusal = null;
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof ApplicationFailure app) {
        refusal = app;
      }
    }
    if (refusal == null) {
      return new RequestRejectedException(FailureType.INVALID_REQUEST, e.getMessage());
    }
    FailureType type = FailureType.COMMAND_FAILED;
    try {
      type = FailureType.valueOf(refusal.getType());
    } catch (IllegalArgumentException | NullPointerException unknownType) {
      // a type this client does not know: reported as a failed command
    }
    return new RequestRejectedException(type, refusal.getOriginalMessage());
  }

  /** A job's progress (restore, backup or retention), by job id. */
  public RestoreProgress progress(String jobId) {
    try {
      return progressOf(TaskQueues.restoreWorkflowId(jobId));
    } catch (WorkflowNotFoundException notARestore) {
      try {
        return progressOf(TaskQueues.backupWorkflowId(jobId));
      } catch (WorkflowNotFoundException notABackup) {
        return progressOf(TaskQueues.retentionWorkflowId(jobId));
      }
    }
  }

  /** The workflow id of a job: restore, backup or retention. */
  public String workflowIdOf(String jobId) {
    for (String workflowId : List.of(TaskQueues.restoreWorkflowId(jobId),
        TaskQueues.backupWorkflowId(jobId))) {
      try {
        client.newUntypedWorkflowStub(workflowId).describe();
        return workflowId;
      } catch (WorkflowNotFoundException notThisKind) {
        // the next kind
      }
    }
    return TaskQueues.retentionWorkflowId(jobId);
  }

  private RestoreProgress progressOf(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId).query("progress", RestoreProgress.class);
  }

  /** The host's queue, read after this call began (the read may be shared with other callers). */
  public QueueState queue(String host) {
    return queues.read(host);
  }

  /**
   * Answers a restore job awaiting approval: it goes on ({@code approve}) or ends REJECTED.
   *
   * @throws IllegalStateException when the job is not awaiting approval (says its state)
   * @throws WorkflowNotFoundException when there is no such restore job
   */
  public RestoreProgress answerApproval(String jobId, Approval answer, boolean approve) {
    if (answer == null || answer.by() == null || answer.by().isBlank()) {
      throw new IllegalArgumentException("say who answers (by): the ledger records the approver");
    }
    RestoreProgress progress = progressOf(TaskQueues.restoreWorkflowId(jobId));
    if (progress.state() != JobState.AWAITING_APPROVAL) {
      throw new IllegalStateException("job " + jobId + " is " + progress.state()
          + ", not awaiting approval; nothing was sent");
    }
    RestoreWorkflow job = client.newWorkflowStub(RestoreWorkflow.class,
        TaskQueues.restoreWorkflowId(jobId));
    if (approve) {
      job.approve(answer);
    } else {
      job.reject(answer);
    }
    return progress;
  }

  /** Asks the job to stop; it ends at the current step and leaves the state it documents. */
  public void cancel(String jobId) {
    client.newUntypedWorkflowStub(workflowIdOf(jobId)).cancel();
  }

  /**
   * Completes when a job's workflow closes, however it ends: one long poll on the server at a time
   * (no thread waits for it), so a follower hears of the end at once rather than at its next look.
   * A short timed wait on the workflow's result is no substitute: the server answers a long poll
   * with a deadline under its tail room at once, and the client asks again and again until its
   * deadline, a busy loop on both sides.
   */
  public CompletableFuture<Void> whenClosed(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId).getResultAsync(Object.class)
        .handle((result, failure) -> null);
  }

  /** Waits for a restore's end; a failed or cancelled job throws its WorkflowFailedException. */
  public RestoreResult await(String jobId, Duration timeout) throws TimeoutException {
    WorkflowStub stub = client.newUntypedWorkflowStub(TaskQueues.restoreWorkflowId(jobId));
    return stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, RestoreResult.class);
  }

  /** Waits for a backup's end; a failed or cancelled job throws its WorkflowFailedException. */
  public BackupResult awaitBackup(String jobId, Duration timeout) throws TimeoutException {
    WorkflowStub stub = client.newUntypedWorkflowStub(TaskQueues.backupWorkflowId(jobId));
    return stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, BackupResult.class);
  }

  /** Waits for a retention job's end; a failed or cancelled job throws its WorkflowFailedException. */
  public RetentionResult awaitRetention(String jobId, Duration timeout) throws TimeoutException {
    WorkflowStub stub = client.newUntypedWorkflowStub(TaskQueues.retentionWorkflowId(jobId));
    return stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, RetentionResult.class);
  }

  /**
   * Every backup of one instance (or of all, for null), read from the engines' own repositories
   * by the hosts' workers, with the window each instance can be restored to.
   *
   * @throws RequestRejectedException for an instance that is not configured
   */
  public Catalog catalog(String instance, Duration timeout) throws TimeoutException {
    String workflowId = readerId("catalog-");
    CatalogWorkflow workflow = client.newWorkflowStub(CatalogWorkflow.class,
        readerOptions(workflowId));
    WorkflowClient.start(workflow::list, instance);
    return readerResult(workflowId, timeout, Catalog.class);
  }

  /**
   * What a restore would overwrite, read on the host it would go to (for a person about to
   * confirm it). Starts nothing.
   *
   * @throws RequestRejectedException for a request the config does not allow
   */
  public RestoreTarget target(RestoreRequest request, Duration timeout) throws TimeoutException {
    String workflowId = readerId("target-");
    RestoreTargetWorkflow workflow = client.newWorkflowStub(RestoreTargetWorkflow.class,
        readerOptions(workflowId));
    WorkflowClient.start(workflow::describe, request);
    return readerResult(workflowId, timeout, RestoreTarget.class);
  }

  private String readerId(String prefix) {
    byte[] suffix = new byte[4];
    random.nextBytes(suffix);
    return prefix + HexFormat.of().formatHex(suffix);
  }

  /** A read nobody waits for any more ends by itself. */
  private static WorkflowOptions readerOptions(String workflowId) {
    return options(workflowId).toBuilder().setWorkflowExecutionTimeout(CATALOG_LIMIT).build();
  }

  private <T> T readerResult(String workflowId, Duration timeout, Class<T> type)
      throws TimeoutException {
    try {
      return client.newUntypedWorkflowStub(workflowId).getResult(timeout.toMillis(),
          TimeUnit.MILLISECONDS, type);
    } catch (WorkflowFailedException e) {
      throw rejectionOf(e);
    }
  }

  private String newJobId(String instance) {
    String time = ZonedDateTime.now(ZoneOffset.UTC).format(JOB_TIME);
    byte[] suffix = new byte[3];
    random.nextBytes(suffix);
    String safeInstance = instance.replaceAll("[^A-Za-z0-9_.-]", "_");
    return safeInstance + "-" + time + "-" + HexFormat.of().formatHex(suffix);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
