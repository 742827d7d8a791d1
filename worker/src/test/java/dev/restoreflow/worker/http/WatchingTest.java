package dev.restoreflow.worker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchingTest {

  private static JobView job(String state, String step) {
    return new JobView("j1", "restore-j1", "restore", "main1", "S-DB1", state, step, null, null,
        "http", 1L, null, null, null, null, List.of(), null);
  }

  /** A job that goes through these views, one per look, then stays at the last. */
  private static Watching.Finder going(JobView... views) {
    Deque<JobView> next = new ConcurrentLinkedDeque<>(List.of(views));
    return (id, heartbeat) -> Optional.of(next.size() > 1 ? next.poll() : next.peek());
  }

  private static String stream(HttpReply reply) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    reply.streamer().write(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theStreamSendsEachChangeOnceAndEndsWithTheEnd() throws Exception {
    Watching watching = new Watching(going(job("QUEUED", null), job("RUNNING", "StopCluster"),
        job("RUNNING", "StopCluster"), job("RUNNING", "ProbackupRestore"),
        job("SUCCEEDED", null)), 1, Duration.ofMinutes(1));
    String events = stream(watching.events("j1"));
    assertEquals(List.of("progress", "progress", "progress", "end"), events.lines()
        .filter(l -> l.startsWith("event: ")).map(l -> l.substring(7)).toList(), events);
    assertTrue(events.startsWith("id: 1\nevent: progress\ndata: {\"jobId\":\"j1\""), events);
    assertTrue(events.contains("id: 4\nevent: end\ndata: {\"jobId\":\"j1\",\"workflowId\":"
        + "\"restore-j1\",\"kind\":\"restore\",\"instance\":\"main1\",\"host\":\"S-DB1\","
        + "\"state\":\"SUCCEEDED\""), events);
    // the permit came back: another stream may start
    assertEquals(1, stream(watching.events("j1")).lines().filter(l -> l.startsWith("event: ")).count());
  }

  @Test
  void atMostMaxStreamsFollowJobsAtOnce() throws Exception {
    Watching watching = new Watching(going(job("SUCCEEDED", null)), 1, Duration.ofMinutes(1));
    HttpReply first = watching.events("j1");
    Problem busy = assertThrows(Problem.class, () -> watching.events("j1"));
    assertEquals(503, busy.status());
    assertEquals(Problem.TOO_MANY_STREAMS, busy.code());
    assertEquals(503, assertThrows(Problem.class, () -> watching.awaitEnd("j1")).status());
    ((AutoCloseable) first.streamer()).close();   // never written: the server gives it back
    assertEquals("SUCCEEDED", watching.awaitEnd("j1").state());
  }

  @Test
  void aWaitOrAStreamEndsAfterStreamSeconds() throws Exception {
    Watching watching = new Watching(going(job("RUNNING", "ProbackupRestore")), 1,
        Duration.ofSeconds(1));
    Problem late = assertThrows(Problem.class, () -> watching.awaitEnd("j1"));
    assertEquals(504, late.status());
    assertEquals(Problem.WAIT_TIMEOUT, late.code());
    String events = stream(watching.events("j1"));
    assertTrue(events.contains("event: timeout\n"), events);
  }

  @Test
  void anUnknownJobIsAProblemBeforeAnyStream() {
    Watching watching = new Watching((id, heartbeat) -> Optional.empty(), 1, Duration.ofMinutes(1));
    Problem unknown = assertThrows(Problem.class, () -> watching.events("nosuch"));
    assertEquals(404, unknown.status());
    assertEquals("UNKNOWN_JOB", unknown.code());
    assertEquals("UNKNOWN_JOB", assertThrows(Problem.class, () -> watching.awaitEnd("nosuch")).code());
  }
}
