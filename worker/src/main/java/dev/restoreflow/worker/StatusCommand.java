package dev.restoreflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.restoreflow.worker.config.HttpConfig;
import dev.restoreflow.worker.config.LineGatewayConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.observe.Pollers;
import dev.restoreflow.worker.observe.Status;
import dev.restoreflow.worker.observe.StatusProbe;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Show the Temporal server, the server's and each host's"
    + " workers (pollers, last seen), the gateways listening and the newest backup of each"
    + " instance; exit 1 when something is down.")
final class StatusCommand implements Callable<Integer> {

  /** Exit code when something is down. */
  static final int DOWN = 1;

  @Mixin
  ConfigOption config;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Option(names = "--catalog-timeout", paramLabel = "SECONDS",
      description = "how long to wait for the catalog (default: ${DEFAULT-VALUE})")
  int catalogSeconds = 45;

  @Override
  public Integer call() throws Exception {
    RestoreflowConfig cfg = config.load();
    Logging.init(config.resolve(cfg.logDir()), "WARN");
    // not Temporal.connect: a server that does not answer is reported, not an error
    WorkflowServiceStubs service = Temporal.stubs(cfg.temporal());
    try {
      Status status = new StatusProbe(cfg, config.file.toString(), service,
          Temporal.client(service, cfg.temporal()))
          .look(gateways(cfg), Duration.ofSeconds(catalogSeconds));
      PrintStream out = System.out;
      if (json) {
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(status));
      } else {
        print(out, status, Instant.now());
      }
      return status.ok() ? 0 : DOWN;
    } finally {
      service.shutdownNow();
    }
  }

  /** The gateways the config turns on. */
  static List<StatusProbe.Listener> gateways(RestoreflowConfig cfg) {
    List<StatusProbe.Listener> gateways = new ArrayList<>();
    LineGatewayConfig line = cfg.lineGateway();
    if (Boolean.TRUE.equals(line.enabled())) {
      gateways.add(new StatusProbe.Listener("line", line.bind(), line.port()));
    }
    HttpConfig http = cfg.http();
    if (Boolean.TRUE.equals(http.enabled())) {
      gateways.add(new StatusProbe.Listener("http", http.bind(), http.port()));
    }
    return gateways;
  }

  static void print(PrintStream out, Status status, Instant now) {
    Status.TemporalServer t = status.temporal();
    out.printf("%-8s %-22s %s%n", "temporal", t.target(), "namespace " + t.namespace() + ": "
        + (t.reachable() ? "reachable" + (t.version() != null ? ", server " + t.version() : "")
            : "DOWN " + t.detail()));
    for (Status.Workers w : status.workers()) {
      String what = w.role().equals("host") ? "host " + w.name() : "server";
      out.printf("%-8s %-22s %s%n", w.role(), w.role().equals("host") ? w.name() : "(workflows)",
          "task queue " + w.taskQueue() + ": " + (w.ok() ? "up, " : "DOWN ")
              + w.detail());
      for (Pollers.Poller p : w.pollers()) {
        out.printf("%-8s %-22s   worker %s, last poll %s%n", "", "", p.identity(),
            p.lastAccess() == null ? "unknown" : ago(p.lastAccessInstant(), now));
      }
    }
    for (Status.Gateway g : status.gateways()) {
      out.printf("%-8s %-22s %s%n", "gateway", g.name() + " " + g.address(),
          g.listening() ? "listening" : "DOWN " + g.detail());
    }
    if (status.backupsNote() != null) {
      out.printf("%-8s %-22s %s%n", "backups", "", status.backupsNote());
    }
    for (Status.NewestBackup b : status.backups()) {
      out.printf("%-8s %-22s %s%n", "backup", b.instance() + " (" + b.engine() + ")",
          b.backupId() == null ? b.note()
              : "newest OK " + b.backupId() + " " + b.type() + ", ended " + b.endTime() + " ("
                  + human(b.ageSeconds()) + " ago)");
    }
    out.println(status.ok() ? "all up" : "DOWN: " + String.join(", ", status.down()));
  }

  private static String ago(Instant then, Instant now) {
    return human(Math.max(0, Duration.between(then, now).toSeconds())) + " ago";
  }

  private static String human(long seconds) {
    if (seconds < 120) {
      return seconds + " s";
    }
    if (seconds < 7200) {
      return seconds / 60 + " min";
    }
    if (seconds < 172800) {
      return seconds / 3600 + " h";
    }
    return seconds / 86400 + " days";
  }
}
