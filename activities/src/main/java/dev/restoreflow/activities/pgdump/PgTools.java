package dev.restoreflow.activities.pgdump;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs pg_restore and psql where the instance's tools run, and quotes what SQL names. */
final class PgTools {

  private PgTools() {}

  /**
   * Runs {@code argv} (built by {@code client}) to its end.
   *
   * @return its standard output
   * @throws IOException with the tool's last lines of standard error when it fails
   */
  static String run(DatabaseClient client, List<String> argv)
      throws IOException, InterruptedException {
    Process process = client.start(argv);
    process.getOutputStream().close();
    List<String> errors = new ArrayList<>();
    Thread drain = new Thread(() -> DumpTaker.collect(process.getErrorStream(), errors),
        "pgdump-stderr");
    drain.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(24, TimeUnit.HOURS)) {
      process.destroyForcibly();
    }
    drain.join(10_000);
    if (process.exitValue() != 0) {
      throw new IOException(argv.get(0).replaceAll(".*/", "") + " exited " + process.exitValue()
          + ": " + String.join(" | ", errors.subList(Math.max(0, errors.size() - 5),
              errors.size())));
    }
    return out;
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
