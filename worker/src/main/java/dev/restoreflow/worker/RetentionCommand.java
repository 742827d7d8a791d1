package dev.restoreflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.RetentionReport;
import dev.restoreflow.workflows.model.RetentionRequest;
import dev.restoreflow.workflows.model.RetentionResult;
import dev.restoreflow.workflows.model.RetentionVerdict;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "retention", description = "Apply the instance's retention policy: --dry-run"
    + " (the default) lists every backup with what the policy does with it and why; --apply"
    + " deletes what it would delete, as a job in the host's queue. Counts given here replace the"
    + " config's for this run.")
final class RetentionCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Option(names = "--instance", required = true, description = "instance whose backups to keep"
      + " or delete")
  String instance;

  @ArgGroup(exclusive = true)
  Mode mode = new Mode();

  static final class Mode {
    @Option(names = "--dry-run", description = "list what would be deleted and why (default)")
    boolean dryRun;

    @Option(names = "--apply", description = "delete what the policy does not keep")
    boolean apply;
  }

  @Mixin
  RetentionCounts counts;

  @Option(names = "--json", description = "print the job's result as JSON for scripts (with"
      + " --follow: each step's event as a JSON line first)")
  boolean json;

  @Option(names = "--follow", description = "print the steps as they run (the result is printed"
      + " at the end either way)")
  boolean follow;

  @Override
  public Integer call() throws Exception {
    RestoreflowConfig cfg = config.load();
    InstanceConfig configured = cfg.requireInstance(instance);
    RetentionRequest request = counts.request(configured, instance)   // a bad count is refused
        .withRequestedVia("cli", System.getProperty("user.name"));
    if (mode.apply) {
      request = request.applying();
    }
    new RequestResolver(cfg.inventory()).resolveBackup(null, BackupRequest.of(instance));
    Logging.init(config.resolve(cfg.logDir()), "WARN");
    PrintStream out = System.out;
    WorkflowServiceStubs service = Temporal.connect(cfg.temporal());
    try {
      RestoreflowClient restoreflow = new RestoreflowClient(Temporal.client(service,
          cfg.temporal()));
      Submission job = restoreflow.submitRetention(request);
      if (!json) {
        out.printf("job %s: retention of %s (%s): %s%n", job.jobId(), instance,
            mode.apply ? "deleting" : "dry run", Submissions.position(job));
      }
      if (follow) {
        new JobFollower(restoreflow, FollowPrinter.of(out, json, FollowPrinter.onTerminal()))
            .follow(job.jobId(), Duration.ofDays(2));
      }
      RetentionResult result = restoreflow.awaitRetention(job.jobId(), Duration.ofDays(2));
      if (json) {
        out.println(new ObjectMapper().writeValueAsString(result));
        return 0;
      }
      print(out, result);
      return 0;
    } finally {
      service.shutdown();
    }
  }

  private static void print(PrintStream out, RetentionResult result) {
    RetentionReport report = result.report();
    out.printf("policy: %s%n", report.policy());
    for (RetentionVerdict verdict : report.verdicts()) {
      out.printf("  %-6s  %-26s %-12s %s%n", verdict.keep() ? "keep" : "DELETE",
          verdict.backupId(), verdict.type(), String.join("; ", verdict.reasons()));
    }
    if (result.applied()) {
      out.printf("%s%n", result.message());
    } else {
      out.printf("%s%s%n", result.message(), report.toDelete().isEmpty() ? ""
          : "; run again with --apply to delete them");
    }
  }
}
