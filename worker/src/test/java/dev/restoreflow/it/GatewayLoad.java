package dev.restoreflow.it;

import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bench/gateway-load's client: N restore requests (seed 000's line, {@code db_instance=fK})
 * over C connections at once, each connection sending its share one after another (the next
 * line once the reply is in, as {@code nc} does). Prints requests/s and latency percentiles,
 * then checks that none was lost: every request answered (with OK), every accepted job in the
 * ledger and, in held mode, in its host's queue. Exit 0 only then.
 *
 * <p>Usage: {@code GatewayLoad PORT N C LEDGER TEMPORAL_TARGET held|instant INSTANCE=HOST...}
 */
public final class GatewayLoad {

  private static final Pattern OK = Pattern.compile(
      "OK job=(\\S+) workflow=(\\S+) host=(\\S+) queue=(-?\\d+)");
  private static final long LEDGER_WAIT_MILLIS = 60_000;

  private record Reply(String line, long nanos) {}

  private GatewayLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 7) {
      System.err.println("usage: GatewayLoad PORT N C LEDGER TEMPORAL_TARGET held|instant"
          + " INSTANCE=HOST...");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int requests = Integer.parseInt(args[1]);
    int connections = Integer.parseInt(args[2]);
    Path ledgerFile = Path.of(args[3]);
    String target = args[4];
    boolean held = args[5].equals("held");
    Map<String, String> hostOf = new TreeMap<>();
    for (String pair : Arrays.copyOfRange(args, 6, args.length)) {
      String[] kv = pair.split("=", 2);
      hostOf.put(kv[0], kv[1]);
    }
    List<String> instances = List.copyOf(hostOf.keySet());

    ExecutorService pool = Executors.newFixedThreadPool(connections);
    List<Future<List<Reply>>> futures = new ArrayList<>();
    long started = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      int connection = c;
      int share = requests / connections + (c < requests % connections ? 1 : 0);
      futures.add(pool.submit(() -> send(port, connection, share, instances)));
    }
    List<Reply> replies = new ArrayList<>();
    for (Future<List<Reply>> f : futures) {
      replies.addAll(f.get(30, TimeUnit.MINUTES));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    pool.shutdown();

    List<String> accepted = new ArrayList<>();
    Map<String, Integer> errors = new TreeMap<>();
    int unanswered = requests - replies.size();
    int noPosition = 0;
    long[] latencies = new long[replies.size()];
    int i = 0;
    for (Reply reply : replies) {
      latencies[i++] = reply.nanos();
      if (reply.line() == null) {
        unanswered++;
        continue;
      }
      Matcher m = OK.matcher(reply.line());
      if (m.matches()) {
        accepted.add(m.group(1));
        if (m.group(4).equals("-1")) {
          noPosition++;
        }
      } else {
        errors.merge(reply.line().split(" ", 3).length > 1 ? reply.line().split(" ", 3)[1]
            : reply.line(), 1, Integer::sum);
      }
    }
    Arrays.sort(latencies);
    System.out.printf("gateway load: %d requests over %d connections in %.2f s = %.0f requests/s%n",
        requests, connections, seconds, requests / seconds);
    System.out.printf("latency ms: p50 %.0f  p90 %.0f  p99 %.0f  max %.0f%n",
        pct(latencies, 50), pct(latencies, 90), pct(latencies, 99), pct(latencies, 100));
    System.out.printf("replies: %d OK (%d of them queue=-1, the position not known within 10 s),"
        + " %d errors %s, %d unanswered%n", accepted.size(), noPosition,
        errors.values().stream().mapToInt(Integer::intValue).sum(), errors, unanswered);

    boolean good = unanswered == 0 && errors.isEmpty();
    Set<String> distinct = new HashSet<>(accepted);
    if (distinct.size() != accepted.size()) {
      System.out.printf("LOST: %d job ids given twice%n", accepted.size() - distinct.size());
      good = false;
    }
    int missing = missingFromLedger(ledgerFile, accepted);
    System.out.printf("ledger: %d of %d accepted jobs have their row%n",
        accepted.size() - missing, accepted.size());
    good &= missing == 0;
    if (held) {
      int queued = inQueues(target, new HashSet<>(hostOf.values()), distinct);
      System.out.printf("host queues: %d of %d accepted jobs are in their host's queue%n",
          queued, accepted.size());
      good &= queued == accepted.size();
    }
    System.out.println(good ? "none lost" : "FAILED: see above");
    System.exit(good ? 0 : 1);
  }

  private static List<Reply> send(int port, int connection, int count, List<String> instances) {
    List<Reply> replies = new ArrayList<>();
    try (LineClient client = new LineClient(port)) {
      for (int i = 0; i < count; i++) {
        String instance = instances.get((connection + i) % instances.size());
        long t0 = System.nanoTime();
        String line = client.ask("db_instance=" + instance);
        replies.add(new Reply(line, System.nanoTime() - t0));
        if (line == null) {
          break;
        }
      }
    } catch (IOException e) {
      System.err.printf("connection %d: %s%n", connection, e);
    }
    return replies;
  }

  private static double pct(long[] sortedNanos, int percent) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(percent / 100.0 * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, Math.min(index, sortedNanos.length - 1))] / 1e6;
  }

  /** Accepted jobs without a ledger row, waited for up to a minute (rows come from the server). */
  private static int missingFromLedger(Path file, List<String> jobIds) throws InterruptedException {
    try (JobLedger ledger = new JobLedger(file)) {
      long deadline = System.currentTimeMillis() + LEDGER_WAIT_MILLIS;
      List<String> missing = jobIds;
      while (true) {
        missing = missing.stream().filter(id -> ledger.job(id).isEmpty()).toList();
        if (missing.isEmpty() || System.currentTimeMillis() > deadline) {
          missing.stream().limit(5).forEach(id -> System.out.println("LOST: no ledger row for " + id));
          return missing.size();
        }
        Thread.sleep(500);
      }
    }
  }

  private static int inQueues(String target, Set<String> hosts, Set<String> jobIds) {
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    try {
      RestoreflowClient restoreflow = new RestoreflowClient(WorkflowClient.newInstance(service));
      Set<String> found = new HashSet<>();
      for (String host : hosts) {
        QueueState state = restoreflow.queue(host);
        if (state.running() != null) {
          found.add(state.running().jobId());
        }
        state.waiting().stream().map(QueueEntry::jobId).forEach(found::add);
      }
      found.retainAll(jobIds);
      return found.size();
    } finally {
      service.shutdown();
    }
  }
}
