package dev.restoreflow.worker.observe;

import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.Catalog;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import dev.restoreflow.worker.temporal.TemporalConnections;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Looks at everything {@code restoreflow status} shows; each look is bounded in time. */
public final class StatusProbe {

  /** A gateway to try: its name and configured address. */
  public record Listener(String name, String bind, int port) {}

  private static final Duration DEADLINE = Duration.ofSeconds(3);
  private static final Duration FIRST_DEADLINE = Duration.ofSeconds(10);
  private static final int CONNECT_MILLIS = 2000;
  private static final String CANNOT_TELL = "cannot tell: ";

  private final RestoreflowConfig config;
  private final String configFile;
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final Clock clock;

  /** @param configFile the config's path, as the commands it suggests should name it */
  public StatusProbe(RestoreflowConfig config, String configFile, WorkflowServiceStubs service,
      WorkflowClient client) {
    this.config = config;
    this.configFile = configFile;
    this.service = service;
    this.client = client;
    this.clock = Clock.systemUTC();
  }

  /**
   * @param gateways the gateways the config turns on
   * @param catalogLimit how long to wait for the catalog (its hosts' workers read it)
   */
  public Status look(List<Listener> gateways, Duration catalogLimit) {
    Status.TemporalServer temporal = temporal();
    List<Status.Workers> workers = new ArrayList<>();
    workers.add(workers("server", TaskQueues.SERVER, TaskQueues.SERVER, true, temporal,
        "start `restoreflow server --config " + configFile + "` (systemd: restoreflow-server)"));
    for (String host : new TreeSet<>(config.hosts().keySet())) {
      workers.add(workers("host", host, TaskQueues.forHost(host), false, temporal,
          "start `restoreflow worker --config " + configFile + " --host " + host + "` (systemd:"
              + " restoreflow-worker@" + host + ")"));
    }
    List<Status.Gateway> listening = gateways.stream().map(StatusProbe::listening).toList();
    List<Status.NewestBackup> backups = List.of();
    String backupsNote = null;
    Status.Workers server = workers.get(0);
    if (!temporal.reachable()) {
      backupsNote = "not read: Temporal does not answer";
    } else if (!server.ok() && !server.detail().startsWith(CANNOT_TELL)) {
      backupsNote = "not read: no `restoreflow server` polls " + TaskQueues.SERVER
          + " (the catalog is a workflow it runs)";
    } else {
      try {
        backups = newest(new RestoreflowClient(client).catalog(null, catalogLimit));
      } catch (TimeoutException e) {
        backupsNote = "not read within " + catalogLimit.toSeconds() + " s: are the server and the"
            + " hosts' workers up?";
      } catch (RuntimeException e) {
        backupsNote = "not read: " + e.getMessage();
      }
    }
    return new Status(temporal, workers, listening, backups, backupsNote);
  }

  private Status.TemporalServer temporal() {
    String target = config.temporal().target();
    String namespace = config.temporal().namespace();
    try {
      // the first call on a new channel also connects and loads classes: seconds on a busy host
      String version = service.blockingStub()
          .withDeadlineAfter(FIRST_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance()).getServerVersion();
      service.blockingStub().withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
      return new Status.TemporalServer(target, namespace, true,
          version.isEmpty() ? null : version, "reachable");
    } catch (RuntimeException e) {
      return new Status.TemporalServer(target, namespace, false, null,
          TemporalConnections.explain(config.temporal(), e));
    }
  }

  private Status.Workers workers(String role, String name, String taskQueue, boolean workflows,
      Status.TemporalServer temporal, String whatToDo) {
    if (!temporal.reachable()) {
      return new Status.Workers(role, name, taskQueue, false, List.of(),
          "not checked: Temporal does not answer");
    }
    try {
      List<Pollers.Poller> pollers = Pollers.of(service, config.temporal().namespace(), taskQueue,
          workflows, DEADLINE);
      Instant now = clock.instant();
      boolean live = pollers.stream().anyMatch(p -> p.recentAt(now));
      String detail = live ? pollers.size() + " poller(s)" : pollers.isEmpty()
          ? "no worker polls: " + whatToDo
          : "no poll within " + Pollers.RECENT.toSeconds() + " s: " + whatToDo;
      return new Status.Workers(role, name, taskQueue, live, pollers, detail);
    } catch (Pollers.NotSupportedException e) {
      return new Status.Workers(role, name, taskQueue, false, List.of(),
          CANNOT_TELL + e.getMessage());
    } catch (RuntimeException e) {
      return new Status.Workers(role, name, taskQueue, false, List.of(),
          "Temporal did not say who polls: " + e.getMessage());
    }
  }

  static Status.Gateway listening(Listener listener) {
    String address = listener.bind() + ":" + listener.port();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(connectAddress(listener.bind()), listener.port()),
          CONNECT_MILLIS);
      return new Status.Gateway(listener.name(), address, true, "listening");
    } catch (IOException e) {
      return new Status.Gateway(listener.name(), address, false, "nothing listens ("
          + e.getMessage() + "): is `restoreflow server` running with this config?");
    }
  }

  /** A wildcard bind address is reached on the loopback address. */
  private static InetAddress connectAddress(String bind) throws IOException {
    InetAddress address = InetAddress.getByName(bind);
    return address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address;
  }

  private List<Status.NewestBackup> newest(Catalog catalog) {
    Instant now = clock.instant();
    List<Status.NewestBackup> newest = new ArrayList<>();
    for (InstanceCatalog entry : catalog.instances()) {
      CatalogBackup best = entry.backups().stream()
          .filter(b -> CatalogBackup.OK.equals(b.status()) && instant(b.endTime()) != null)
          .max(Comparator.comparing(b -> instant(b.endTime()))).orElse(null);
      if (best == null) {
        newest.add(new Status.NewestBackup(entry.instance(), entry.engine(), null, null, null,
            null, entry.note() != null ? entry.note() : "no OK backup: take one with"
                + " `restoreflow backup --instance " + entry.instance() + "`"));
      } else {
        newest.add(new Status.NewestBackup(entry.instance(), entry.engine(), best.id(),
            best.type(), best.endTime(),
            Math.max(0, Duration.between(instant(best.endTime()), now).toSeconds()), null));
      }
    }
    return newest;
  }

  private static Instant instant(String iso) {
    try {
      return iso == null ? null : Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
