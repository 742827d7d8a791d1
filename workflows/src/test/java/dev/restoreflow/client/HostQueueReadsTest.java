package dev.restoreflow.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.workflows.model.QueueState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostQueueReadsTest {

  /** A queue query that takes 30 ms and tells, in historyLimit, the time it started. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private final AtomicInteger queries = new AtomicInteger();
  private final AtomicLong clock = new AtomicLong();

  private QueueState slowQuery(String host) {
    int now = inFlight.incrementAndGet();
    mostInFlight.accumulateAndGet(now, Math::max);
    queries.incrementAndGet();
    int startedAt = (int) clock.incrementAndGet();
    try {
      Thread.sleep(30);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    } finally {
      inFlight.decrementAndGet();
    }
    return new QueueState(host, null, List.of(), startedAt);
  }

  @Test
  void fiftyCallersAtOnceShareAFewQueriesOneAtATimeEachReadAfterItAsked() throws Exception {
    HostQueueReads reads = new HostQueueReads(this::slowQuery);
    ExecutorService callers = Executors.newFixedThreadPool(50);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<long[]>> results = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      results.add(callers.submit(() -> {
        go.await();
        long askedAt = clock.get();
        QueueState state = reads.read("h1");
        return new long[] {askedAt, state.historyLimit()};
      }));
    }
    go.countDown();
    for (Future<long[]> result : results) {
      long[] askedAndRead = result.get(20, TimeUnit.SECONDS);
      assertTrue(askedAndRead[1] > askedAndRead[0],
          "the query a caller gets started after it asked: " + askedAndRead[0] + " -> " + askedAndRead[1]);
    }
    callers.shutdown();
    assertEquals(1, mostInFlight.get(), "one query of a host's queue at a time");
    assertTrue(queries.get() < 10, "fifty callers were answered by " + queries.get() + " queries");
  }

  @Test
  void hostsAreReadApartAndAFailedQueryReachesItsCallersOnly() {
    RuntimeException refused = new IllegalStateException("no queue");
    HostQueueReads reads = new HostQueueReads(host -> {
      if (host.equals("bad")) {
        throw refused;
      }
      return QueueState.empty(host);
    });
    assertSame(refused, assertThrows(IllegalStateException.class, () -> reads.read("bad")));
    assertEquals("h2", reads.read("h2").host());
    assertSame(refused, assertThrows(IllegalStateException.class, () -> reads.read("bad")),
        "a later read queries again");
  }
}
