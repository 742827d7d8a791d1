package dev.restoreflow.worker.http;

import dev.restoreflow.worker.gateway.GatewayError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Requests that hold a thread while a job runs: {@code ?wait=true} and the event stream. At most
 * {@code maxStreams} at once (the pool's other threads keep answering), each for at most {@code
 * streamSeconds}.
 */
final class Watching {

  static final Duration POLL = Duration.ofMillis(500);
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  /** Where a job's view comes from ({@link JobViews}; a test gives its own). */
  @FunctionalInterface
  interface Finder {
    Optional<JobView> find(String jobId, boolean withHeartbeat);
  }

  private final Finder views;
  private final Semaphore permits;
  private final int maxStreams;
  private final Duration limit;
  private final LongSupplier nanoClock;

  Watching(Finder views, int maxStreams, Duration limit) {
    this.views = views;
    this.permits = new Semaphore(maxStreams);
    this.maxStreams = maxStreams;
    this.limit = limit;
    this.nanoClock = System::nanoTime;
  }

  /** The job once it is over, or its last view when {@code streamSeconds} passed first. */
  JobView awaitEnd(String jobId) {
    acquire();
    try {
      long deadline = nanoClock.getAsLong() + limit.toNanos();
      JobView view = find(jobId);
      while (!view.isOver()) {
        if (nanoClock.getAsLong() >= deadline) {
          throw new Problem(504, Problem.WAIT_TIMEOUT, "job " + jobId + " did not end within "
              + limit.toSeconds() + " s (http.streamSeconds); it goes on: GET /api/v1/jobs/"
              + jobId, Map.of("job", view));
        }
        sleep(POLL);
        view = find(jobId);
      }
      return view;
    } finally {
      permits.release();
    }
  }

  /**
   * A Server-Sent Events stream of the job: an event {@code progress} with the job each time it
   * changes, a comment every 15 s while nothing does, and {@code end} with the job once it is
   * over (or {@code timeout} after {@code streamSeconds}).
   *
   * @throws Problem UNKNOWN_JOB (before the stream starts), TOO_MANY_STREAMS
   */
  HttpReply events(String jobId) {
    JobView first = views.find(jobId, true).orElseThrow(() -> unknown(jobId));
    acquire();
    return new HttpReply(200, HttpReply.EVENT_STREAM, null, Map.of("Cache-Control", "no-cache"),
        new EventStream(jobId, first));
  }

  /** The stream; it gives its permit back when it ends, or when it never started. */
  private final class EventStream implements HttpReply.Streamer, AutoCloseable {

    private final String jobId;
    private final JobView first;
    private boolean released;

    EventStream(String jobId, JobView first) {
      this.jobId = jobId;
      this.first = first;
    }

    @Override
    public void write(OutputStream out) throws IOException {
      try {
        long started = nanoClock.getAsLong();
        long quietSince = started;
        int id = 0;
        JobView view = first;
        String last = null;
        while (true) {
          String json = Json.text(view);
          if (view.isOver()) {
            send(out, ++id, "end", json);
            return;
          }
          if (!json.equals(last)) {
            send(out, ++id, "progress", json);
            last = json;
            quietSince = nanoClock.getAsLong();
          } else if (nanoClock.getAsLong() - quietSince >= KEEP_ALIVE.toNanos()) {
            out.write(": still running\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            quietSince = nanoClock.getAsLong();
          }
          if (nanoClock.getAsLong() - started >= limit.toNanos()) {
            send(out, ++id, "timeout", json);
            return;
          }
          sleep(POLL);
          Optional<JobView> next = views.find(jobId, true);
          if (next.isEmpty()) {
            return;
          }
          view = next.get();
        }
      } finally {
        close();
      }
    }

    @Override
    public synchronized void close() {
      if (!released) {
        released = true;
        permits.release();
      }
    }
  }

  private static void send(OutputStream out, int id, String event, String json) throws IOException {
    out.write(("id: " + id + "\nevent: " + event + "\ndata: " + json + "\n\n")
        .getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private JobView find(String jobId) {
    return views.find(jobId, false).orElseThrow(() -> unknown(jobId));
  }

  static Problem unknown(String jobId) {
    return new Problem(404, GatewayError.UNKNOWN_JOB, "no job '" + jobId + "'");
  }

  private void acquire() {
    if (!permits.tryAcquire()) {
      throw new Problem(503, Problem.TOO_MANY_STREAMS, maxStreams + " requests already follow"
          + " jobs (http.maxStreams); try again shortly, or poll GET /api/v1/jobs/{id}");
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Problem(503, GatewayError.UNAVAILABLE, "the server is stopping");
    }
  }
}
