package dev.restoreflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.workflows.model.Catalog;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backups", description = "List the backups of every engine, read from each"
    + " instance's own repository by its host's worker, and the window it can be restored to.")
final class BackupsCommand implements Callable<Integer> {

  /** Times are ISO-8601 instants, up to 24 characters with milliseconds (basebackup's). */
  /** The id column as wide as the longest id (a pgdump backup's name has up to 64). */
  private static final String ROW = "  %-IDs %-6s %-8s %-24s %-24s %12s %12s  %s%n";

  @Mixin
  ConfigOption config;

  @Option(names = "--instance", description = "only this instance (default: all)")
  String instance;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RestoreflowConfig cfg = config.load();
    if (instance != null) {
      cfg.knownInstance(instance);
    }
    Logging.init(config.resolve(cfg.logDir()), "WARN");
    PrintStream out = System.out;
    WorkflowServiceStubs service = Temporal.connect(cfg.temporal());
    try {
      Catalog catalog = new RestoreflowClient(Temporal.client(service, cfg.temporal()))
          .catalog(instance, Duration.ofMinutes(5));
      if (json) {
        out.println(new ObjectMapper().writeValueAsString(catalog));
        return 0;
      }
      for (InstanceCatalog entry : catalog.instances()) {
        print(out, entry);
      }
      return 0;
    } finally {
      service.shutdown();
    }
  }

  static void print(PrintStream out, InstanceCatalog entry) {
    out.printf("%s (%s): %d backups; restorable from %s to %s%n", entry.instance(),
        entry.engine() == null ? "?" : entry.engine(), entry.backups().size(),
        orDash(entry.restorableFrom()), orDash(entry.restorableTo()));
    if (entry.note() != null) {
      out.printf("  %s%n", entry.note());
    }
    if (entry.backups().isEmpty()) {
      return;
    }
    String row = ROW.replace("ID", String.valueOf(Math.max(18, entry.backups().stream()
        .mapToInt(b -> b.id().length()).max().orElse(0))));
    out.printf(row, "id", "type", "status", "start", "end", "data", "stored", "chain");
    for (CatalogBackup b : entry.backups()) {
      out.printf(row, b.id(), b.type(), b.status(),
          orDash(b.startTime()), orDash(b.endTime()), Bytes.human(b.dataBytes()),
          Bytes.human(b.storedBytes()), String.join(">", b.chain())
              + (b.dir() == null ? "" : "  (kept apart in dir " + b.dir() + ")")
              + (b.provenAt() == null ? "" : "  proven by drill " + b.provenBy() + " at "
                  + b.provenAt()));
    }
  }

  private static String orDash(String text) {
    return text == null ? "-" : text;
  }
}
