package dev.restoreflow.workflows;

import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;

public class HostQueueWorkflowImpl implements HostQueueWorkflow {

  /** How often the queue checks that the job holding the host is still alive. */
  static final Duration LEASE_CHECK = Duration.ofMinutes(1);
  static final int DEFAULT_HISTORY_LIMIT = 2000;
  private static final int REMEMBERED_RELEASES = 200;

  private static final Logger log = Workflow.getLogger(HostQueueWorkflowImpl.class);

  private final ServerActivities server = Workflow.newLocalActivityStub(ServerActivities.class,
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
          .build());

  private String host;
  private Integer historyLimit;
  private QueueEntry running;
  private final List<QueueEntry> waiting = new ArrayList<>();
  private final Deque<String> released = new ArrayDeque<>();

  @Override
  public void run(QueueState state) {
    host = state.host();
    historyLimit = state.historyLimit();
    running = state.running();
    waiting.addAll(state.waiting());
    if (host == null || host.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("host queue started without a host",
          FailureType.INVALID_REQUEST.name());
    }
    while (true) {
      if (running == null) {
        Workflow.await(() -> !waiting.isEmpty() || historyIsLong());
        if (waiting.isEmpty()) {
          continueAsNew();
        }
        running = waiting.remove(0);
        if (!grant(running)) {
          running = null;
          continue;
        }
      }
      QueueEntry holder = running;
      boolean releasedInTime = Workflow.await(LEASE_CHECK, () -> running != holder);
      if (!releasedInTime && running == holder && !server.isWorkflowOpen(holder.workflowId())) {
        log.warn("job {} ended without giving back host {}; moving on", holder.jobId(), host);
        running = null;
      }
      if (historyIsLong()) {
        continueAsNew();
      }
    }
  }

  private boolean grant(QueueEntry entry) {
    try {
      Workflow.newExternalWorkflowStub(RestoreWorkflow.class, entry.workflowId()).grant();
      log.info("host {} granted to job {}", host, entry.jobId());
      return true;
    } catch (SignalExternalWorkflowException e) {
      log.warn("job {} is gone; skipping it", entry.jobId());
      remember(entry.workflowId());
      return false;
    }
  }

  private boolean historyIsLong() {
    int limit = historyLimit != null ? historyLimit : DEFAULT_HISTORY_LIMIT;
    return Workflow.getInfo().getHistoryLength() > limit
        || Workflow.getInfo().isContinueAsNewSuggested();
  }

  private void continueAsNew() {
    log.info("host queue {} continues as new with {} waiting", host, waiting.size());
    Workflow.continueAsNew(new QueueState(host, running, waiting, historyLimit));
  }

  @Override
  public void request(QueueEntry entry) {
    String id = entry.workflowId();
    boolean known = (running != null && running.workflowId().equals(id))
        || waiting.stream().anyMatch(e -> e.workflowId().equals(id))
        || released.contains(id);
    if (!known) {
      waiting.add(entry);
    }
  }

  @Override
  public void release(String workflowId) {
    if (running != null && running.workflowId().equals(workflowId)) {
      running = null;
    }
    waiting.removeIf(e -> e.workflowId().equals(workflowId));
    remember(workflowId);
  }

  private void remember(String workflowId) {
    released.addLast(workflowId);
    while (released.size() > REMEMBERED_RELEASES) {
      released.removeFirst();
    }
  }

  @Override
  public QueueState queue() {
    return new QueueState(host, running, waiting, historyLimit);
  }
}
