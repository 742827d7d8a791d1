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

@Command(name = "jobs", description = {"List jobs from the ledger, newest first.",
    "Fits 80 columns (job ids abbreviated; `restoreflow job` takes them) unless --wide; state"
        + " words in colour on a terminal unless NO_COLOR is set."})
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

  @Option(names = "--wide", description = "whole job ids, the host and who asked (wider than"
      + " 80 columns)")
  boolean wide;

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
      Style style = Style.choose(System.console() != null, false, System.getenv());
      JobsTable.lines(rows, wide, style).forEach(System.out::println);
      return 0;
    }
  }
}
