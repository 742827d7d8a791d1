package dev.restoreflow.workflows;

import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays recorded histories against today's workflow code: a change that would break running
 * workflows (non-determinism) fails here. See {@link HistoryRecorder}.
 */
class RestoreWorkflowReplayTest {

  @Test
  void recordedRestoreReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("histories/restore-success.json",
        RestoreWorkflowImpl.class);
  }

  @Test
  void recordedIncrementalRestoreReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("histories/restore-incremental.json",
        RestoreWorkflowImpl.class);
  }

  @Test
  void recordedHostQueueReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("histories/host-queue.json",
        HostQueueWorkflowImpl.class);
  }
}
