package dev.restoreflow.worker.observe;

import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.TaskQueues;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code /healthz} (the process answers) and {@code /readyz}: the Temporal server answers for the
 * namespace, the server's workflow worker polls its task queue, and every configured host has a
 * worker polling its task queue ({@code restoreflow.host.<host>}, last poll within
 * {@link Pollers#RECENT}). Every question to Temporal has a short deadline.
 */
public final class Health implements AutoCloseable {

  /** How long each question to Temporal may take. */
  static final Duration DEADLINE = Duration.ofSeconds(2);

  private final RestoreflowConfig config;
  private final WorkflowServiceStubs service;
  private final Clock clock;
  private final Instant started;
  private final ExecutorService askers = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "health-check");
    thread.setDaemon(true);
    return thread;
  });

  /** @param service the server's connection to Temporal (the config's target and namespace) */
  public Health(RestoreflowConfig config, WorkflowServiceStubs service) {
    this(config, service, Clock.systemUTC());
  }

  Health(RestoreflowConfig config, WorkflowServiceStubs service, Clock clock) {
    this.config = config;
    this.service = service;
    this.clock = clock;
    this.started = clock.instant();
  }

  /** The process is up and answers. */
  public HealthReport live() {
    return HealthReport.of(List.of(new HealthReport.Check("process", true,
        "up since " + started + " (" + Duration.between(started, clock.instant()).toSeconds()
            + " s)")));
  }

  /** Temporal answers, the workflow worker and every host's worker poll. */
  public HealthReport ready() {
    List<HealthReport.Check> checks = new ArrayList<>();
    HealthReport.Check temporal = temporal();
    checks.add(temporal);
    Map<String, CompletableFuture<HealthReport.Check>> polled = new TreeMap<>();
    if (temporal.ok()) {
      polled.put("", CompletableFuture.supplyAsync(() -> polled("workflows", TaskQueues.SERVER,
          true, "restoreflow server"), askers));
      for (String host : config.hosts().keySet()) {
        polled.put(host, CompletableFuture.supplyAsync(() -> polled("host " + host,
            TaskQueues.forHost(host), false, "restoreflow worker --host " + host), askers));
      }
      polled.values().forEach(check -> checks.add(check.join()));
    } else {
      checks.add(new HealthReport.Check("workflows", false, "not checked: Temporal does not answer"));
      config.hosts().keySet().stream().sorted().forEach(host -> checks.add(new HealthReport.Check(
          "host " + host, false, "not checked: Temporal does not answer")));
    }
    return HealthReport.of(checks);
  }

  private HealthReport.Check temporal() {
    String where = config.temporal().target() + " namespace " + config.temporal().namespace();
    try {
      service.blockingStub().withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .describeNamespace(DescribeNamespaceRequest.newBuilder()
              .setNamespace(config.temporal().namespace()).build());
      return new HealthReport.Check("temporal", true, "answers at " + where);
    } catch (RuntimeException e) {
      return new HealthReport.Check("temporal", false, "no answer from " + where + " within "
          + DEADLINE.toSeconds() + " s (" + e.getMessage() + "): is the Temporal server up, and"
          + " are temporal.target and temporal.namespace in the config right?");
    }
  }

  private HealthReport.Check polled(String name, String taskQueue, boolean workflows,
      String command) {
    try {
      List<Pollers.Poller> pollers = Pollers.of(service, config.temporal().namespace(), taskQueue,
          workflows, DEADLINE);
      Instant now = clock.instant();
      List<Pollers.Poller> live = pollers.stream().filter(p -> p.recentAt(now)).toList();
      if (!live.isEmpty()) {
        return new HealthReport.Check(name, true, live.size() + " worker(s) polling " + taskQueue
            + ": " + String.join(", ", live.stream().map(Pollers.Poller::identity).toList()));
      }
      return new HealthReport.Check(name, false, (pollers.isEmpty() ? "no worker polls "
          : "no poll within " + Pollers.RECENT.toSeconds() + " s on ") + taskQueue + ": start `"
          + command + "` (systemd: see the README)");
    } catch (Pollers.NotSupportedException e) {
      return new HealthReport.Check(name, false, "cannot tell: " + e.getMessage());
    } catch (RuntimeException e) {
      return new HealthReport.Check(name, false, "Temporal did not say who polls " + taskQueue
          + " within " + DEADLINE.toSeconds() + " s: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    askers.shutdownNow();
  }
}
