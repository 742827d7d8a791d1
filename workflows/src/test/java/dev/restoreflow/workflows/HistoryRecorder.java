package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.RestoreRequest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records the histories the replay test replays. Run it (not a test) when a workflow change is
 * meant to be incompatible, and commit the new files:
 * {@code java -cp <test classpath> dev.restoreflow.workflows.HistoryRecorder workflows/src/test/resources/histories}
 */
public final class HistoryRecorder {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/histories");
    Files.createDirectories(dir);
    try (RestoreflowTestEnv env = new RestoreflowTestEnv()) {
      env.run("recorded-1", RestoreRequest.of("main1").withHost("db1"));
      env.run("recorded-2", RestoreRequest.of("main1").withHost("db1").withIncremental(true));
      Files.writeString(dir.resolve("restore-success.json"), env.client()
          .fetchHistory(TaskQueues.restoreWorkflowId("recorded-1")).toJson(true));
      Files.writeString(dir.resolve("restore-incremental.json"), env.client()
          .fetchHistory(TaskQueues.restoreWorkflowId("recorded-2")).toJson(true));
      Files.writeString(dir.resolve("host-queue.json"), env.client()
          .fetchHistory(TaskQueues.hostQueueWorkflowId("db1")).toJson(true));
    }
    System.exit(0);
  }
}
