package dev.restoreflow.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.config.RestoreflowConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code restoreflow worker --host H} or {@code restoreflow server} as a process of its own, so a
 * test can kill -9 it.
 */
final class RestoreflowProcess implements AutoCloseable {

  private final Process process;

  private RestoreflowProcess(Process process) {
    this.process = process;
  }

  static Path writeConfig(RestoreflowConfig config, Path file) throws IOException {
    Files.writeString(file, new ObjectMapper().writeValueAsString(config));
    return file;
  }

  static RestoreflowProcess worker(Path configFile, String host, Path output) throws IOException {
    return start(output, "worker", "--host", host, "--config", configFile.toString());
  }

  static RestoreflowProcess server(Path configFile, Path output) throws IOException {
    return start(output, "server", "--config", configFile.toString());
  }

  private static RestoreflowProcess start(Path output, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new java.util.ArrayList<>(List.of(java, "-cp",
        System.getProperty("java.class.path"), "dev.restoreflow.worker.Main"));
    argv.addAll(List.of(args));
    Process process = new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
        .start();
    return new RestoreflowProcess(process);
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
