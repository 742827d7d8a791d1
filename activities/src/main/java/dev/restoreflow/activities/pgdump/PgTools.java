package dev.restoreflow.activities.pgdump;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
    Thread drain = new Thread(() -> DatabaseDumper.collect(process.getErrorStream(), errors),
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

  /**
   * pg_restore's SQL for {@code args} (an archive, a list, a section) in the host file
   * {@code out}: written by the tool itself, or, in a container, written inside and copied out
   * checked (an exec's stdout can end early).
   */
  static void restoreScript(DatabaseClient client, List<String> args, Path out)
      throws IOException, InterruptedException {
    if (client.inContainer()) {
      client.transfer().writeAndCopyOut(path -> client.argv("pg_restore", concat(args,
          List.of("-f", path))), out.toString(), Duration.ofHours(6));
    } else {
      run(client, client.argv("pg_restore", concat(args, List.of("-f", out.toString()))));
    }
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
