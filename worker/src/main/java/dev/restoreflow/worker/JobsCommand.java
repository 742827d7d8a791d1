package dev.restoreflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "jobs", description = "List jobs from the ledger, newest first.")
final class JobsCommand implements Callable<Integer> {

  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Mixin
  ConfigOption config;

  @Option(names = "--instance", description = "only this instance")
  String instance;

  @Option(names = "--status", description = "only this status (QUEUED, RUNNING, AWAITING_APPROVAL, SUCCEEDED, FAILED, REJECTED, ...)")
  String status;

  @Option(names = "--limit", description = "at most this many (default: ${DEFAULT-VALUE})")
  int limit = 50;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RestoreflowConfig cfg = config.load();
    Logging.init(config.resolve(cfg.logDir()), "WARN");
    try (JobLedger ledger = new JobLedger(config.resolve(cfg.ledger()))) {
      List<JobRow> rows = ledger.jobs(instance, status == null ? null : status.toUpperCase(), limit);
      if (json) {
        System.out.println(new ObjectMapper().writeValueAsString(rows));
        return 0;
      }
      System.out.printf("%-36s %-7s %-10s %-8s %-10s %-19s %-17s %s%n", "JOB", "KIND",
          "INSTANCE", "HOST", "STATUS", "CREATED", "STEP", "VIA");
      for (JobRow r : rows) {
        System.out.printf("%-36s %-7s %-10s %-8s %-10s %-19s %-17s %s%n", r.jobId(), r.kind(),
            r.instance(), r.host(), r.status(), TIME.format(Instant.ofEpochMilli(r.createdAt())),
            r.currentStep() == null ? "-" : r.currentStep(), r.requestedVia());
      }
      return 0;
    }
  }
}
