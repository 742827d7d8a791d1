package dev.restoreflow.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.config.RestoreflowConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code restoreflow worker --host H} as a process of its own, so a test can kill -9 it. */
final class WorkerProcess implements AutoCloseable {

  private final Process process;

  private WorkerProcess(Process process) {
    this.process = process;
  }

  static Path writeConfig(RestoreflowConfig config, Path file) throws IOException {
    Files.writeString(file, new ObjectMapper().writeValueAsString(config));
    return file;
  }

  static WorkerProcess start(Path configFile, String host, Path output) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        "dev.restoreflow.worker.Main", "worker", "--host", host, "--config", configFile.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
        .start();
    return new WorkerProcess(process);
  }

  /** SIGKILL: no shutdown hook, no goodbye to Temporal, children left running. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
