package dev.restoreflow.workflows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every recorded history (every workflow type, every version of the code that recorded
 * one) against today's workflow code: a change that would break jobs in flight (non-determinism)
 * fails here. See {@link HistoryRecorder}; a failing history is fixed with Workflow.getVersion,
 * never by recording it again.
 */
class RestoreWorkflowReplayTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void recordedHistoryReplays(String name) throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("histories/" + name,
        RestoreWorkflowImpl.class, BackupWorkflowImpl.class, CatalogWorkflowImpl.class,
        HostQueueWorkflowImpl.class, ScheduledRestoreWorkflowImpl.class,
        ScheduledBackupWorkflowImpl.class, ScheduledRetentionWorkflowImpl.class,
        RetentionWorkflowImpl.class, RestoreTargetWorkflowImpl.class, NotifyWorkflowImpl.class);
  }

  @Test
  void everyWorkflowTypeHasARecordedHistory() throws Exception {
    String all = String.join("\n", histories().map(name -> read(name)).toList());
    for (String type : List.of("RestoreWorkflow", "BackupWorkflow", "CatalogWorkflow",
        "HostQueueWorkflow", "ScheduledRestoreWorkflow", "ScheduledBackupWorkflow",
        "RetentionWorkflow", "ScheduledRetentionWorkflow", "RestoreTargetWorkflow",
        "NotifyWorkflow")) {
      assertTrue(all.contains("\"name\": \"" + type + "\""), "no recorded history of " + type);
    }
  }

  static Stream<String> histories() throws IOException, URISyntaxException {
    Path dir = Path.of(RestoreWorkflowReplayTest.class.getResource("/histories").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted()
          .toList().stream();
    }
  }

  private static String read(String name) {
    try {
      return new String(RestoreWorkflowReplayTest.class.getResourceAsStream("/histories/" + name)
          .readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
