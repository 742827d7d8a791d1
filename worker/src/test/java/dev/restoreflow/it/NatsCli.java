package dev.restoreflow.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code nats} CLI, a NATS client outside restoreflow: built once from its Go module into a
 * cache directory kept per version ({@code go install github.com/nats-io/natscli/nats@VERSION}).
 */
final class NatsCli {

  static final String VERSION = "v0.5.0";

  private final Path binary;
  private final String url;

  private NatsCli(Path binary, String url) {
    this.binary = binary;
    this.url = url;
  }

  /** The CLI talking to {@code url}; built first when the cache does not have it. */
  static NatsCli forServer(String url) throws IOException, InterruptedException {
    return new NatsCli(build(), url);
  }

  private static Path build() throws IOException, InterruptedException {
    Path dir = Path.of(System.getProperty("user.home"), ".cache", "restoreflow-it",
        "natscli-" + VERSION);
    Path nats = dir.resolve("nats");
    if (Files.isExecutable(nats)) {
      return nats;
    }
    List<Path> places = new ArrayList<>();
    for (String onPath : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!onPath.isEmpty()) {
        places.add(Path.of(onPath, "go"));
      }
    }
    places.add(Path.of("/usr/local/go/bin/go"));
    Path go = places.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
        new IllegalStateException("no `go` toolchain (not on PATH, nor /usr/local/go/bin): the"
            + " NATS tests build the nats CLI with go install github.com/nats-io/natscli/nats@"
            + VERSION));
    Files.createDirectories(dir);
    Path log = dir.resolve("build.log");
    ProcessBuilder install = new ProcessBuilder(go.toString(), "install",
        "github.com/nats-io/natscli/nats@" + VERSION)
        .redirectErrorStream(true).redirectOutput(log.toFile());
    install.environment().put("GOBIN", dir.toString());
    Process process = install.start();
    if (!process.waitFor(15, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("go install of the nats CLI took over 15 min; see " + log);
    }
    if (process.exitValue() != 0 || !Files.isExecutable(nats)) {
      throw new IllegalStateException("go install of the nats CLI failed (exit "
          + process.exitValue() + "): " + Files.readString(log));
    }
    return nats;
  }

  /**
   * {@code nats req --raw SUBJECT BODY [-H K:V ...]}: the reply body.
   *
   * @param headers "key:value" each
   */
  String request(String subject, String body, String... headers)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(binary.toString(), "--no-context", "--server",
        url, "--timeout", "20s", "request", "--raw", "--no-templates", subject, body));
    for (String header : headers) {
      argv.add("-H");
      argv.add(header);
    }
    Path out = Files.createTempFile("nats-req", ".out");
    try {
      ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(out.toFile());
      builder.environment().put("HOME", out.getParent().toString());
      Process process = builder.start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("nats " + argv + " did not end within 60 s");
      }
      String text = Files.readString(out).strip();
      if (process.exitValue() != 0) {
        throw new AssertionError("nats " + argv.subList(1, argv.size()) + " exited "
            + process.exitValue() + ": " + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
