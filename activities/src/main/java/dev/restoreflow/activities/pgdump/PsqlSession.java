package dev.restoreflow.activities.pgdump;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One psql session held open, for what must happen in one transaction: the snapshot a dump is
 * taken in (exported, held while pg_dump reads it) and the fingerprints of that same snapshot.
 * Each query's rows come back as lines; psql stops at the first error ({@code ON_ERROR_STOP}),
 * and the error is thrown with psql's own message.
 */
final class PsqlSession implements AutoCloseable {

  /** The settings every fingerprint is computed under, so that equal content gives equal text. */
  static final String STABLE_OUTPUT = "SET DateStyle = ISO; SET IntervalStyle = postgres;"
      + " SET extra_float_digits = 3; SET TimeZone = 'UTC'; SET bytea_output = hex;";

  private final Process process;
  private final Writer in;
  private final BufferedReader out;
  private final StringBuilder errors = new StringBuilder();
  private final String marker = "--restoreflow-" + UUID.randomUUID() + "--";
  private final Thread drain;

  private PsqlSession(Process process) {
    this.process = process;
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
    drain = new Thread(this::drainErrors, "psql-stderr");
    drain.setDaemon(true);
    drain.start();
  }

  static PsqlSession open(DatabaseClient client, String database) throws IOException {
    return new PsqlSession(client.start(client.connected("psql", database,
        List.of("-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1"))));
  }

  /** Runs {@code sql} (one or more statements) and returns its output lines. */
  List<String> query(String sql) throws IOException {
    in.write(sql + "\n\\echo " + marker + "\n");
    in.flush();
    List<String> lines = new ArrayList<>();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.equals(marker)) {
        return lines;
      }
      lines.add(line);
    }
    throw new IOException("psql ended: " + lastError());
  }

  /** The one value {@code sql} returns. */
  String value(String sql) throws IOException {
    List<String> lines = query(sql);
    if (lines.size() != 1) {
      throw new IOException("expected one value from [" + sql + "], got " + lines.size()
          + " lines");
    }
    return lines.get(0);
  }

  private void drainErrors() {
    try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
        StandardCharsets.UTF_8))) {
      for (String line = err.readLine(); line != null; line = err.readLine()) {
        synchronized (errors) {
          if (errors.length() < 4000) {
            errors.append(line).append('\n');
          }
        }
      }
    } catch (IOException ignored) {
      // the process is gone: what it said so far is kept
    }
  }

  private String lastError() {
    try {
      process.waitFor(5, TimeUnit.SECONDS);
      // psql has exited, but its last words may still be on their way through the drain: an
      // error read as "no message" turned an amcheck failure into a command failure
      drain.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (errors) {
      String text = errors.toString().strip();
      return text.isEmpty() ? "no message (exit " + (process.isAlive() ? "-" : process.exitValue())
          + ")" : text;
    }
  }

  @Override
  public void close() {
    try {
      in.write("\\q\n");
      in.close();
    } catch (IOException ignored) {
      // psql is gone already
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
