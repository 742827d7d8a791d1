package dev.restoreflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.activities.retention.CatalogFacts;
import dev.restoreflow.activities.retention.Retention;
import dev.restoreflow.activities.retention.RetentionCategory;
import dev.restoreflow.activities.retention.RetentionDecision;
import dev.restoreflow.activities.retention.RetentionPlan;
import dev.restoreflow.activities.retention.RetentionPolicy;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.QueueEntry;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "summary", description = "Per instance: its backups by retention category, sizes,"
    + " the oldest and the newest, what the next backup would be and why, the retention policy"
    + " and what it would delete now, and the last restore that succeeded.")
final class SummaryCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Option(names = "--instance", description = "only this instance (default: all)")
  String instance;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  /** One instance's summary (the JSON of --json). */
  record InstanceSummary(String instance, String engine, int backups, long storedBytes,
      String oldest, String newest, Map<RetentionCategory, Integer> byCategory,
      String nextBackup, String policy, List<String> retentionWouldDelete,
      String lastRestore) {}

  @Override
  public Integer call() throws Exception {
    RestoreflowConfig cfg = config.load();
    if (instance != null) {
      cfg.knownInstance(instance);
    }
    Logging.init(config.resolve(cfg.logDir()), "WARN");
    WorkflowServiceStubs service = Temporal.connect(cfg.temporal());
    List<InstanceSummary> summaries = new ArrayList<>();
    try (JobLedger ledger = new JobLedger(config.resolve(cfg.ledger()))) {
      List<InstanceCatalog> catalogs = new RestoreflowClient(Temporal.client(service,
          cfg.temporal())).catalog(instance, Duration.ofMinutes(5)).instances();
      for (InstanceCatalog catalog : catalogs) {
        summaries.add(summary(cfg.requireInstance(catalog.instance()), catalog, ledger));
      }
    } finally {
      service.shutdown();
    }
    PrintStream out = System.out;
    if (json) {
      out.println(new ObjectMapper().writeValueAsString(summaries));
      return 0;
    }
    summaries.forEach(s -> print(out, s));
    return 0;
  }

  static InstanceSummary summary(InstanceConfig config, InstanceCatalog catalog,
      JobLedger ledger) {
    Engine engine = Engines.standard().of(config);
    RetentionPolicy policy = config.retention().policy(null, null, null, null);
    RetentionPlan plan = Retention.plan(CatalogFacts.of(catalog), policy,
        config.retention().zone());
    Map<RetentionCategory, Integer> byCategory = new EnumMap<>(RetentionCategory.class);
    for (RetentionDecision decision : plan.decisions()) {
      decision.categories().forEach(c -> byCategory.merge(c, 1, Integer::sum));
    }
    List<CatalogBackup> backups = catalog.backups();
    return new InstanceSummary(catalog.instance(), catalog.engine(), backups.size(),
        backups.stream().mapToLong(CatalogBackup::storedBytes).sum(),
        backups.isEmpty() ? null : backups.get(0).id(),
        backups.isEmpty() ? null : backups.get(backups.size() - 1).id(), byCategory,
        engine.nextBackup(config, catalog, Instant.now()),
        "daily " + policy.daily() + ", weekly " + policy.weekly() + ", monthly "
            + policy.monthly() + ", full " + policy.full() + " (days in "
            + config.retention().zone() + ")",
        plan.toDeleteIds(), lastRestore(ledger, catalog.instance()).orElse(null));
  }

  private static Optional<String> lastRestore(JobLedger ledger, String instance) {
    return ledger.jobs(instance, "SUCCEEDED", 200).stream()
        .filter(job -> QueueEntry.RESTORE.equals(job.kind() == null ? QueueEntry.RESTORE
            : job.kind()))
        .findFirst()
        .map(SummaryCommand::describe);
  }

  private static String describe(JobRow job) {
    return "job " + job.jobId() + " on " + job.host() + ", ended "
        + Instant.ofEpochMilli(job.finishedAt() > 0 ? job.finishedAt() : job.updatedAt());
  }

  private static void print(PrintStream out, InstanceSummary s) {
    out.printf("%s (%s): %d backup(s), %s stored%n", s.instance(), s.engine(), s.backups(),
        Bytes.human(s.storedBytes()));
    if (s.backups() > 0) {
      out.printf("  oldest %s, newest %s%n", s.oldest(), s.newest());
      List<String> counts = new ArrayList<>();
      s.byCategory().forEach((category, count) -> counts.add(category.name().toLowerCase()
          + " " + count));
      out.printf("  by category: %s%n", String.join(", ", counts));
    }
    out.printf("  next backup: %s%n", s.nextBackup());
    out.printf("  retention: %s; would delete %s%n", s.policy(),
        s.retentionWouldDelete().isEmpty() ? "nothing"
            : s.retentionWouldDelete().size() + ": " + String.join(", ", s.retentionWouldDelete()));
    out.printf("  last restore that succeeded: %s%n", s.lastRestore() == null ? "none recorded"
        : s.lastRestore());
  }
}
