package dev.restoreflow.workflows;

import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.QueueEntry;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A job's turn on its host: it asks the host's queue once, waits for the grant, and gives the
 * host back when it ends. Workflow-side; shared by every kind of job.
 */
final class HostTurn {

  /** How often a job waiting for its host checks that the host's queue still knows it. */
  static final Duration REASK_EVERY = Duration.ofMinutes(2);
  /** Workflow.getVersion change id (issue 11). */
  static final String REASKS_FOR_TURN = "job-reasks-for-its-turn";

  private static final Logger log = Workflow.getLogger(HostTurn.class);

  private final ServerActivities server;
  private final String jobId;

  /** From READABLE_HISTORY on: the job reasks without a version marker of its own, summaries. */
  private final boolean readable;

  HostTurn(ServerActivities server, String jobId) {
    this(server, jobId, false);
  }

  HostTurn(ServerActivities server, String jobId, boolean readable) {
    this.server = server;
    this.jobId = jobId;
    this.readable = readable;
  }

  /**
   * Puts the job in its host's queue; {@link #awaitGrant} then waits for its turn. Returns
   * whether the job asks again while it waits (by version; jobs started before issue 11 do not).
   */
  boolean enter(String host, QueueEntry turn) {
    boolean reasks = readable
        || Workflow.getVersion(REASKS_FOR_TURN, Workflow.DEFAULT_VERSION, 1) == 1;
    if (reasks) {
      ask(host, turn);
    } else {
      server.requestTurn(host, turn);
    }
    return reasks;
  }

  /**
   * Waits until {@code granted}, asking again every {@link #REASK_EVERY}: the server's
   * requestTurn enters a job only when the queue does not know it yet, so a queue started after
   * this job asked (the old one was lost) learns about it, and a queue that knows it gets no
   * second request.
   */
  void awaitGrant(String host, QueueEntry turn, boolean reasks, Supplier<Boolean> granted) {
    if (!reasks) {
      Workflow.await(granted::get);
      return;
    }
    while (!Workflow.await(REASK_EVERY, granted::get)) {
      ask(host, turn);
    }
  }

  /** A failure here is not the job's end: the next ask comes anyway. */
  private void ask(String host, QueueEntry turn) {
    try {
      (readable ? Summaries.local(ServerActivities.class, RestoreWorkflowImpl.SERVER_SIDE,
          "ask host " + host + "'s queue for a turn") : server).requestTurn(host, turn);
    } catch (ActivityFailure e) {
      log.warn("job {}: could not ask host {}'s queue for a turn (asking again in {}): {}", jobId,
          host, REASK_EVERY, JobFailures.rootMessage(e));
    }
  }

  /** Gives the host back (also when the job never got it: it leaves the queue). */
  void release(String host) {
    try {
      Workflow.newExternalWorkflowStub(HostQueueWorkflow.class,
          TaskQueues.hostQueueWorkflowId(host)).release(Workflow.getInfo().getWorkflowId());
    } catch (RuntimeException e) {
      log.warn("job {}: could not give back host {}: {}", jobId, host, e.getMessage());
    }
  }
}
