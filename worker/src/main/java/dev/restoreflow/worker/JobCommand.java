package dev.restoreflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.ledger.StepRow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "job", description = "Show one job and its step timeline from the ledger.")
final class JobCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Parameters(paramLabel = "JOB_ID")
  String jobId;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RestoreflowConfig cfg = config.load();
    Logging.init(config.resolve(cfg.logDir()), "WARN");
    try (JobLedger ledger = new JobLedger(config.resolve(cfg.ledger()))) {
      JobRow job = ledger.job(jobId).orElseGet(() -> abbreviated(ledger));
      if (job == null) {
        System.err.println("restoreflow: no job '" + jobId + "' in the ledger; `restoreflow jobs`"
            + " lists them");
        return 1;
      }
      List<StepRow> steps = ledger.steps(jobId);
      if (json) {
        System.out.println(new ObjectMapper().writeValueAsString(Map.of("job", job, "steps", steps)));
        return 0;
      }
      System.out.printf("job %s: %s %s on %s, %s (via %s)%n", job.jobId(), job.kind(),
          job.instance(), job.host(), job.status(), job.requestedVia());
      if (job.error() != null) {
        System.out.println("error: " + job.error());
      }
      JobOutcomeLines.of(job).forEach(System.out::println);
      for (StepRow s : steps) {
        System.out.printf("  %-17s %-9s %-19s %8s  %s%n", s.step(), s.status(),
            s.startedAt() > 0 ? JobsCommand.TIME.format(Instant.ofEpochMilli(s.startedAt())) : "",
            s.endedAt() > 0 && s.startedAt() > 0
                ? String.format("%.2f s", (s.endedAt() - s.startedAt()) / 1000.0) : "",
            s.detail() == null ? "" : s.detail());
      }
      return 0;
    }
  }

  /** The one job whose id `restoreflow jobs` abbreviated as {@link #jobId}; else null. */
  private JobRow abbreviated(JobLedger ledger) {
    if (!jobId.contains(JobsTable.CUT)) {
      return null;
    }
    List<JobRow> matching = ledger.jobs(null, null, Integer.MAX_VALUE).stream()
        .filter(row -> JobsTable.matches(jobId, row.jobId())).toList();
    return matching.size() == 1 ? matching.get(0) : null;
  }
}
