package dev.restoreflow.activities.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.exec.LogOutputStream;
import org.slf4j.MDC;

/**
 * Splits a command's output stream into UTF-8 lines. The stream is pumped on its own thread,
 * so it carries the caller's log context (the job id) over to it.
 */
final class LineStream extends LogOutputStream {

  private final Consumer<String> sink;
  private final Map<String, String> logContext;

  LineStream(Map<String, String> logContext, Consumer<String> sink) {
    super(0, StandardCharsets.UTF_8);
    this.sink = sink;
    this.logContext = logContext;
  }

  @Override
  protected void processLine(String line, int level) {
    if (logContext != null) {
      MDC.setContextMap(logContext);
    }
    sink.accept(line);
  }

  void flushQuietly() {
    try {
      close();
    } catch (IOException ignored) {
      // the stream is gone with the process
    }
  }
}
