package dev.restoreflow.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.workflows.model.StepProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@code --follow} says what a job does: on a terminal the running step's progress is one
 * line rewritten in place; elsewhere (a pipe, a file, CI) plain lines without control characters,
 * one per step change and at most one progress line every {@link #PLAIN_EVERY} per step; with
 * {@code --json} one JSON object per event (JSON lines). Times are the caller's nanoseconds.
 */
interface FollowPrinter {

  Duration PLAIN_EVERY = Duration.ofSeconds(10);

  /** A step began. */
  void started(String jobId, String step, long nanos);

  /** A step ended (done, failed, skipped, ...). */
  void ended(String jobId, StepProgress step);

  /** The running step's heartbeat; {@code details} as the step sent them. */
  void progress(String jobId, String step, StepBeat beat, Map<String, Object> details,
      double bytesPerSecond, Duration eta, long nanos);

  /** Lines for people (the plan awaiting approval); {@code json} for scripts. */
  void note(String event, List<String> lines, Map<String, Object> json);

  /** The job ended: nothing of the follower's is left half-drawn. */
  default void finish() {}

  /** Whether this process writes to a terminal that can rewrite a line (not {@code TERM=dumb}). */
  static boolean onTerminal() {
    return System.console() != null && !"dumb".equals(System.getenv("TERM"));
  }

  /** The printer for this process: JSON lines, in place on a terminal, else plain lines. */
  static FollowPrinter of(PrintStream out, boolean json, boolean terminal) {
    if (json) {
      return new JsonLines(out);
    }
    return terminal ? new InPlace(out) : new Plain(out);
  }

  /** A terminal: the running step's line is redrawn with {@code \r} and clear-to-end-of-line. */
  final class InPlace implements FollowPrinter {

    static final String CLEAR_LINE = "\r\u001b[K";

    private final PrintStream out;
    private String shown;

    InPlace(PrintStream out) {
      this.out = out;
    }

    @Override
    public void started(String jobId, String step, long nanos) {
      draw(ProgressText.line(step, null, 0, null));
    }

    @Override
    public void ended(String jobId, StepProgress step) {
      clear();
      out.println(Timeline.line(step));
      out.flush();
    }

    @Override
    public void progress(String jobId, String step, StepBeat beat, Map<String, Object> details,
        double bytesPerSecond, Duration eta, long nanos) {
      draw(ProgressText.line(step, beat, bytesPerSecond, eta));
    }

    @Override
    public void note(String event, List<String> lines, Map<String, Object> json) {
      clear();
      lines.forEach(out::println);
      out.flush();
    }

    @Override
    public void finish() {
      clear();
    }

    private void draw(String line) {
      if (line.equals(shown)) {
        return;
      }
      out.print(CLEAR_LINE + line);
      out.flush();
      shown = line;
    }

    private void clear() {
      if (shown != null) {
        out.print(CLEAR_LINE);
        shown = null;
      }
    }
  }

  /** Not a terminal: whole lines only, a step's progress at most every {@link #PLAIN_EVERY}. */
  final class Plain implements FollowPrinter {

    private final PrintStream out;
    private final Map<String, Long> lastLine = new HashMap<>();
    private final Map<String, String> lastText = new HashMap<>();

    Plain(PrintStream out) {
      this.out = out;
    }

    @Override
    public void started(String jobId, String step, long nanos) {
      out.println(ProgressText.line(step, null, 0, null));
      out.flush();
      lastLine.put(step, nanos);
    }

    @Override
    public void ended(String jobId, StepProgress step) {
      out.println(Timeline.line(step));
      out.flush();
    }

    @Override
    public void progress(String jobId, String step, StepBeat beat, Map<String, Object> details,
        double bytesPerSecond, Duration eta, long nanos) {
      if (beat == null) {
        return;
      }
      Long last = lastLine.get(step);
      if (last != null && nanos - last < PLAIN_EVERY.toNanos()) {
        return;
      }
      String line = ProgressText.line(step, beat, bytesPerSecond, eta);
      if (line.equals(lastText.get(step))) {
        return;
      }
      out.println(line);
      out.flush();
      lastLine.put(step, nanos);
      lastText.put(step, line);
    }

    @Override
    public void note(String event, List<String> lines, Map<String, Object> json) {
      lines.forEach(out::println);
      out.flush();
    }
  }

  /** {@code --json}: one object per line, each a whole JSON document with an "event". */
  final class JsonLines implements FollowPrinter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private Map<String, Object> lastDetails;

    JsonLines(PrintStream out) {
      this.out = out;
    }

    @Override
    public void started(String jobId, String step, long nanos) {
      Map<String, Object> event = event("step-started", jobId);
      event.put("step", step);
      print(event);
      lastDetails = null;
    }

    @Override
    public void ended(String jobId, StepProgress step) {
      Map<String, Object> event = event("step-ended", jobId);
      event.put("step", step.name());
      event.put("status", step.status());
      event.put("durationMillis", step.durationMillis());
      event.put("detail", step.detail());
      print(event);
    }

    @Override
    public void progress(String jobId, String step, StepBeat beat, Map<String, Object> details,
        double bytesPerSecond, Duration eta, long nanos) {
      if (details == null || Objects.equals(details, lastDetails)) {
        return;
      }
      lastDetails = details;
      Map<String, Object> event = event("progress", jobId);
      event.put("step", step);
      if (beat != null && beat.hasBytes()) {
        event.put("bytesDone", beat.bytesDone());
        event.put("bytesTotal", beat.bytesTotal());
        event.put("percent", ProgressText.percent(beat.bytesDone(), beat.bytesTotal()));
      }
      event.put("bytesPerSecond", Math.round(bytesPerSecond));
      event.put("etaSeconds", eta == null ? null : eta.toSeconds());
      event.put("details", details);
      print(event);
    }

    @Override
    public void note(String event, List<String> lines, Map<String, Object> json) {
      Map<String, Object> line = event(event, null);
      line.putAll(json);
      print(line);
    }

    /** The last line of a followed job: its submission and last progress. */
    static String ended(Object submission, Object progress) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("event", "ended");
      event.put("submission", submission);
      event.put("progress", progress);
      return write(event);
    }

    private static Map<String, Object> event(String name, String jobId) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("event", name);
      if (jobId != null) {
        event.put("jobId", jobId);
      }
      return event;
    }

    private void print(Map<String, Object> event) {
      out.println(write(event));
      out.flush();
    }

    private static String write(Map<String, Object> event) {
      try {
        return JSON.writeValueAsString(event);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write a follow event as JSON", e);
      }
    }
  }
}
