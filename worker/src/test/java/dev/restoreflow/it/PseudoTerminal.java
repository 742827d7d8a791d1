package dev.restoreflow.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A {@code restoreflow} command in a pseudo-terminal (util-linux {@code script}), as a person at
 * a terminal runs it: what it prints is read as it comes, answers are typed, Ctrl-C is a key.
 */
final class PseudoTerminal implements AutoCloseable {

  private final Process process;
  private final OutputStream keys;
  private final StringBuffer screen = new StringBuffer();
  private int seen;

  private PseudoTerminal(Process process) {
    this.process = process;
    this.keys = process.getOutputStream();
    Thread reader = new Thread(() -> read(process.getInputStream()), "pty-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code restoreflow args} with the test's classpath; {@code env} adds or removes. */
  static PseudoTerminal restoreflow(Map<String, String> env, List<String> removed,
      String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.restoreflow.worker.Main"));
    argv.addAll(List.of(args));
    // script runs its command through a shell: each word is quoted
    String command = argv.stream().map(word -> "'" + word.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" "));
    ProcessBuilder builder = new ProcessBuilder("script", "--quiet", "--return", "--command",
        command, "/dev/null").redirectErrorStream(true);
    removed.forEach(builder.environment()::remove);
    builder.environment().putAll(env);
    return new PseudoTerminal(builder.start());
  }

  /** Waits until {@code text} is printed after what earlier waits saw; returns the new text. */
  String expect(String text, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      String all = screen();
      int at = all.indexOf(text, seen);
      if (at >= 0) {
        String shown = all.substring(seen, at + text.length());
        seen = at + text.length();
        return shown;
      }
      if (System.nanoTime() > deadline || !process.isAlive() && at < 0 && drained(all)) {
        throw new AssertionError("the terminal did not show '" + text + "' within " + limit
            + "; it shows:\n" + all.substring(seen));
      }
      Thread.sleep(50);
    }
  }

  /** Types a line and Enter. */
  void type(String line) throws IOException {
    keys.write((line + "\r").getBytes(StandardCharsets.UTF_8));
    keys.flush();
  }

  /** Ctrl-C: the terminal sends SIGINT to the command. */
  void interrupt() throws IOException {
    keys.write(3);
    keys.flush();
  }

  int waitFor(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the command did not end within " + limit + ":\n" + screen());
    }
    Thread.sleep(200);   // the reader's last bytes
    return process.exitValue();
  }

  /** Everything printed so far as the terminal got it, carriage returns and escapes included. */
  String raw() {
    return screen.toString();
  }

  /** Everything printed so far, with the terminal's carriage returns removed. */
  String screen() {
    return screen.toString().replace("\r", "");
  }

  private boolean drained(String all) throws InterruptedException {
    Thread.sleep(200);
    return screen().equals(all);
  }

  private void read(InputStream in) {
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        screen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException ignored) {
      // the command ended
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
