package dev.restoreflow.client;

import dev.restoreflow.workflows.RestoreWorkflow;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Java API for other applications: submit a restore, follow it, cancel it, wait for it.
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

  private final WorkflowClient client;
  private final SecureRandom random = new SecureRandom();

  public RestoreflowClient(WorkflowClient client) {
    this.client = client;
  }

  public WorkflowClient workflowClient() {
    return client;
  }

  /**
   * Starts a restore job. With a host in the request, the job takes its place in the host's
   * queue before this returns, so jobs submitted one after another run in that order.
   */
  public Submission submit(RestoreRequest request) {
    if (request == null || request.instance() == null || request.instance().isBlank()) {
      throw new IllegalArgumentException("a restore needs an instance");
    }
    String jobId = newJobId(request.instance());
    String workflowId = TaskQueues.restoreWorkflowId(jobId);
    RestoreWorkflow workflow = client.newWorkflowStub(RestoreWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(TaskQueues.SERVER)
            .build());
    long submittedAt = System.currentTimeMillis();
    WorkflowClient.start(workflow::restore, request);
    if (request.host() != null) {
      HostQueues.enqueue(client, request.host(),
          new QueueEntry(workflowId, jobId, request.instance(), submittedAt));
    }
    return new Submission(jobId, workflowId, request.host(), waitForPosition(workflowId));
  }

  /** The job's queue position once it has one, or -1 when it did not show up in time. */
  private int waitForPosition(String workflowId) {
    long deadline = System.nanoTime() + POSITION_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        RestoreProgress progress = progressOf(workflowId);
        if (progress.state().isFinal()) {
          return -1;
        }
        if (progress.host() != null) {
          int position = HostQueues.state(client, progress.host()).positionOf(workflowId);
          if (position >= 0) {
            return position;
          }
        }
      } catch (WorkflowException notThereYet) {
        // the job or its host queue has not run its first workflow task yet
      }
      sleep(Duration.ofMillis(50));
    }
    return -1;
  }

  public RestoreProgress progress(String jobId) {
    return progressOf(TaskQueues.restoreWorkflowId(jobId));
  }

  private RestoreProgress progressOf(String workflowId) {
    return client.newWorkflowStub(RestoreWorkflow.class, workflowId).progress();
  }

  public QueueState queue(String host) {
    return HostQueues.state(client, host);
  }

  /** Asks the job to stop; it ends at the current step and leaves the state it documents. */
  public void cancel(String jobId) {
    client.newUntypedWorkflowStub(TaskQueues.restoreWorkflowId(jobId)).cancel();
  }

  /** Waits for the job's end; a failed or cancelled job throws its WorkflowFailedException. */
  public RestoreResult await(String jobId, Duration timeout) throws TimeoutException {
    WorkflowStub stub = client.newUntypedWorkflowStub(TaskQueues.restoreWorkflowId(jobId));
    return stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, RestoreResult.class);
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
