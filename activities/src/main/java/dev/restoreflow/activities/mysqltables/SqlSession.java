package dev.restoreflow.activities.mysqltables;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One connection to the server that stays open across statements: a {@code mariadb} client in
 * batch mode fed over stdin (needed to hold a lock or a snapshot while other work goes on). Each
 * statement is followed by a marker SELECT, so its result is the lines before the marker; every
 * wait is bounded. The client stops at the first error; its stderr is then the message.
 */
final class SqlSession implements AutoCloseable {

  private static final String END = "\u0000end";
  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StreamTail errors;
  private final String where;
  private int statements;

  private SqlSession(Process process, String where) {
    this.process = process;
    this.stdin = process.getOutputStream();
    this.errors = StreamTail.drain(process.getErrorStream(), "mariadb-session-stderr");
    this.where = where;
    Thread reader = new Thread(this::readLines, "mariadb-session-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  static SqlSession open(MysqlTablesConfig config, OptionFile options, String database)
      throws IOException {
    return new SqlSession(Tools.start(MariaDbCommands.session(config, options, database), null),
        config.where());
  }

  /** The rows {@code sql} returns, each a line of tab-separated values. */
  List<String> query(String sql, Duration limit) throws IOException {
    String marker = "restoreflow-done-" + (++statements);
    String text = sql.strip();
    stdin.write((text + (text.endsWith(";") ? "" : ";") + "\nSELECT '" + marker + "';\n")
        .getBytes(StandardCharsets.UTF_8));
    stdin.flush();
    List<String> rows = new ArrayList<>();
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      String line;
      try {
        line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IOException("interrupted while the server answered");
      }
      if (line == null) {
        process.destroyForcibly();
        throw new IOException("no answer from " + where + " within " + limit);
      }
      if (line.equals(END)) {
        throw new IOException(where + ": " + said());
      }
      if (line.equals(marker)) {
        return rows;
      }
      rows.add(line);
    }
  }

  /** A statement that returns nothing (or whose rows do not matter). */
  void execute(String sql, Duration limit) throws IOException {
    query(sql, limit);
  }

  private String said() {
    String text = errors.text().strip().replace('\n', ' ');
    return text.isEmpty() ? "the connection ended" : text;
  }

  private void readLines() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException ignored) {
      // the process ended
    } finally {
      lines.add(END);
    }
  }

  /** Ends the connection (a held lock or snapshot ends with it). */
  @Override
  public void close() {
    try {
      stdin.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
