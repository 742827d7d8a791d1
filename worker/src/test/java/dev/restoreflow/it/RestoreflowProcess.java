package dev.restoreflow.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.worker.config.RestoreflowConfig;
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

  /** Any process in this wrapper (tests of the code that handles these processes). */
  static RestoreflowProcess of(Process process) {
    return new RestoreflowProcess(process);
  }

  static Path writeConfig(RestoreflowConfig config, Path file) throws IOException {
    Files.writeString(file, new ObjectMapper().writeValueAsString(config));
    return file;
  }

  static RestoreflowProcess worker(Path configFile, String host, Path output) throws IOException {
    return worker(configFile, host, output, java.util.Map.of());
  }

  /** @param env extra environment, e.g. the repository's credentials */
  static RestoreflowProcess worker(Path configFile, String host, Path output,
      java.util.Map<String, String> env) throws IOException {
    return new RestoreflowProcess(builder(env, "worker", "--host", host, "--config",
        configFile.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
        .start());
  }

  static RestoreflowProcess server(Path configFile, Path output) throws IOException {
    return start(output, "server", "--config", configFile.toString());
  }

  /** {@code restoreflow dev} on a state directory, with extra environment (e.g. the temporal CLI). */
  static RestoreflowProcess dev(Path stateDir, Path output, java.util.Map<String, String> env)
      throws IOException {
    return new RestoreflowProcess(builder(env, "dev", "--state-dir", stateDir.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
        .start());
  }

  private static RestoreflowProcess start(Path output, String... args) throws IOException {
    return new RestoreflowProcess(builder(java.util.Map.of(), args)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
        .start());
  }

  /** What a finished {@code restoreflow} command printed (stdout and stderr together). */
  record Finished(int exitCode, String output) {}

  /** Runs a {@code restoreflow} command to its end with extra environment (e.g. S3 keys). */
  static Finished run(java.time.Duration limit, java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("restoreflow-cmd", ".out");
    try {
      Process process = builder(env, args).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("restoreflow " + String.join(" ", args) + " did not end within "
            + limit + ": " + Files.readString(out));
      }
      return new Finished(process.exitValue(), Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** What a finished {@code restoreflow} command printed on stdout and on stderr, apart. */
  record Output(int exitCode, String stdout, String stderr) {}

  /** Like {@link #run}, keeping stdout (e.g. JSON for scripts) apart from stderr. */
  static Output runApart(java.time.Duration limit, java.util.Map<String, String> env,
      String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("restoreflow-cmd", ".out");
    Path err = Files.createTempFile("restoreflow-cmd", ".err");
    try {
      // on the test classpath logback-test.xml would log to stdout, into the command's output
      Process process = builder(env, List.of("-Dlogback.configurationFile=logback-apart.xml"),
          args).redirectOutput(out.toFile())
          .redirectError(err.toFile()).start();
      if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("restoreflow " + String.join(" ", args) + " did not end within "
            + limit + ": " + Files.readString(out) + Files.readString(err));
      }
      return new Output(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static ProcessBuilder builder(java.util.Map<String, String> env, String... args) {
    return builder(env, List.of(), args);
  }

  private static ProcessBuilder builder(java.util.Map<String, String> env, List<String> jvmArgs,
      String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new java.util.ArrayList<>(List.of(java));
    argv.addAll(jvmArgs);
    argv.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "dev.restoreflow.worker.Main"));
    argv.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().putAll(env);
    return builder;
  }

  /** SIGKILL: no shutdown hook, no goodbye to Temporal, children left running. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, as Ctrl-C or {@code systemctl stop} send: the shutdown hooks run. */
  void terminate(java.time.Duration within) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(within.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("restoreflow did not end within " + within + " of SIGTERM");
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Completes when the process has ended, however it ended. */
  java.util.concurrent.CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  /** The exit code of an ended process. */
  int exitCode() {
    return process.exitValue();
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
