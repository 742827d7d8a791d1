package dev.restoreflow.activities.mysqltables;

import dev.restoreflow.activities.CountedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts mariadb, mariadb-dump and 7zz on the worker's machine with a small fixed environment
 * (the credentials are in an option file, never here), and runs short ones to their end.
 */
final class Tools {

  private static final Map<String, String> ENVIRONMENT = Map.of(
      "PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8", "LC_ALL", "C.UTF-8",
      "TZ", "UTC");

  /** What a finished command wrote, and how it ended. */
  record Ran(int exitCode, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    boolean succeeded() {
      return exitCode == 0;
    }

    /** For messages: the command's own words, shortened. */
    String said() {
      String text = (stderr.isBlank() ? out() : stderr).strip().replace('\n', ' ');
      return text.length() > 400 ? text.substring(text.length() - 400) : text;
    }
  }

  private Tools() {}

  static Process start(List<String> argv, File directory) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().clear();
    builder.environment().putAll(ENVIRONMENT);
    builder.directory(directory == null ? new File("/") : directory);
    return builder.start();
  }

  /** Runs {@code argv} to its end, killing it after {@code limit}. */
  static Ran run(List<String> argv, File directory, Duration limit)
      throws IOException, InterruptedException {
    Process process = start(argv, directory);
    process.getOutputStream().close();
    StreamTail err = StreamTail.drain(process.getErrorStream(), "stderr of " + argv.get(0));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> copy(process.getInputStream(), out), "stdout-reader");
    reader.setDaemon(true);
    reader.start();
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw new IOException(argv.get(0) + " did not end within " + limit);
    }
    reader.join(10_000);
    synchronized (out) {
      return new Ran(process.exitValue(), out.toByteArray(), err.text());
    }
  }

  /**
   * Runs {@code argv} with {@code input} fed to its stdin by this process (not a file the tool
   * opens itself: when the worker dies, the tool's stdin ends and so does the tool), to its end,
   * killing it after {@code limit}.
   */
  static Ran runWithInput(List<String> argv, java.nio.file.Path input, Duration limit)
      throws IOException, InterruptedException {
    return runWithInput(argv, input, limit, new java.util.concurrent.atomic.AtomicLong());
  }

  /** @param fed adds the bytes of {@code input} as they go into the tool's stdin */
  static Ran runWithInput(List<String> argv, java.nio.file.Path input, Duration limit,
      java.util.concurrent.atomic.AtomicLong fed) throws IOException, InterruptedException {
    Process process = start(argv, null);
    StreamTail err = StreamTail.drain(process.getErrorStream(), "stderr of " + argv.get(0));
    StreamTail out = StreamTail.drain(process.getInputStream(), "stdout of " + argv.get(0));
    IOException[] feedFailure = {null};
    Thread feeder = new Thread(() -> {
      try (java.io.OutputStream stdin = process.getOutputStream();
          InputStream file = new CountedInputStream(java.nio.file.Files.newInputStream(input),
              fed)) {
        file.transferTo(stdin);
      } catch (IOException e) {
        feedFailure[0] = e;   // the tool ended early: its exit code and stderr say why
      }
    }, "stdin of " + argv.get(0));
    feeder.setDaemon(true);
    feeder.start();
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw new IOException(argv.get(0) + " did not end within " + limit);
    }
    feeder.join(10_000);
    Ran ran = new Ran(process.exitValue(), out.text().getBytes(StandardCharsets.UTF_8),
        err.text());
    if (ran.succeeded() && feedFailure[0] != null) {
      throw new IOException("feeding " + input.getFileName() + " to " + argv.get(0) + ": "
          + feedFailure[0].getMessage());
    }
    return ran;
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        synchronized (out) {
          out.write(buffer, 0, n);
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }
}
