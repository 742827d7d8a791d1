package dev.restoreflow.activities.exec;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What a runner keeps of a command's output: all of stdout (bounded), the stderr tail, each
 * line logged (redacted) and shown to the listener as it arrives.
 */
final class CommandOutput {

  private static final Logger log = LoggerFactory.getLogger("restoreflow.command");
  private static final int MAX_STDOUT_CHARS = 32 * 1024 * 1024;

  final LineStream out;
  final LineStream err;
  private final StringBuilder stdout = new StringBuilder();
  private final TailBuffer stderr = new TailBuffer(20);

  CommandOutput(Command command, OutputListener listener, Redactor redactor) {
    Map<String, String> logContext = MDC.getCopyOfContextMap();
    out = new LineStream(logContext, line -> {
      synchronized (stdout) {
        if (stdout.length() < MAX_STDOUT_CHARS) {
          stdout.append(line).append('\n');
        }
      }
      log.debug("[{}] {}", command.program(), redactor.redact(line));
      listener.onLine(OutputListener.Stream.STDOUT, line);
    });
    err = new LineStream(logContext, line -> {
      stderr.add(redactor.redact(line));
      log.info("[{}] {}", command.program(), redactor.redact(line));
      listener.onLine(OutputListener.Stream.STDERR, line);
    });
  }

  void flush() {
    out.flushQuietly();
    err.flushQuietly();
  }

  CommandResult result(int exitCode, long elapsedMillis) {
    synchronized (stdout) {
      return new CommandResult(exitCode, stdout.toString(), stderr.text(), elapsedMillis);
    }
  }
}
