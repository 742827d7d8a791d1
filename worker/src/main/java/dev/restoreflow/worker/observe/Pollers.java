package dev.restoreflow.worker.observe;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Who polls a task queue, as the Temporal server tells (DescribeTaskQueue). */
public final class Pollers {

  /**
   * A poller seen this recently is a live worker: an idle worker's long poll is answered empty
   * after about a minute and it polls again at once, which the server records as an access.
   */
  public static final Duration RECENT = Duration.ofMinutes(2);

  /**
   * One poller: the worker's identity (pid@host by default) and its last poll.
   *
   * @param lastAccess ISO-8601 instant; null when the server does not say
   */
  public record Poller(String identity, String lastAccess) {
    public Instant lastAccessInstant() {
      return lastAccess == null ? null : Instant.parse(lastAccess);
    }

    public boolean recentAt(Instant now) {
      return lastAccess != null
          && Duration.between(lastAccessInstant(), now).compareTo(RECENT) <= 0;
    }
  }

  /** The server cannot list pollers (the embedded Java test server does not implement it). */
  public static final class NotSupportedException extends RuntimeException {
    NotSupportedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Pollers() {}

  /**
   * @param workflows the workflow pollers (the server's); else the activity pollers (a host's)
   * @throws NotSupportedException the server does not implement DescribeTaskQueue
   * @throws StatusRuntimeException the server did not answer within {@code deadline}, or refused
   */
  public static List<Poller> of(WorkflowServiceStubs service, String namespace, String taskQueue,
      boolean workflows, Duration deadline) {
    try {
      return service.blockingStub().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
              .setNamespace(namespace)
              .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue).build())
              .setTaskQueueType(workflows ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
                  : TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)
              .build())
          .getPollersList().stream().map(Pollers::poller).toList();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        throw new NotSupportedException("this Temporal server does not list pollers"
            + " (DescribeTaskQueue is unimplemented, as in the embedded test server): run the"
            + " `temporal` CLI dev server or a Temporal cluster to see them", e);
      }
      throw e;
    }
  }

  private static Poller poller(PollerInfo info) {
    Instant last = info.hasLastAccessTime() ? Instant.ofEpochSecond(
        info.getLastAccessTime().getSeconds(), info.getLastAccessTime().getNanos()) : null;
    return new Poller(info.getIdentity(), last == null ? null : last.toString());
  }
}
