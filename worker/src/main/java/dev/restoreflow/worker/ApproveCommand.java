package dev.restoreflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.model.Approval;
import dev.restoreflow.workflows.model.RestoreProgress;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "approve", description = "Approve (or with --reject, reject) a restore job that"
    + " waits for approval after planning. Shows what the job will do first.")
final class ApproveCommand implements Callable<Integer> {

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");

  @Mixin
  ConfigOption config;

  @Parameters(paramLabel = "JOB_ID")
  String jobId;

  @Option(names = "--reject", description = "reject: the job ends REJECTED, nothing touched")
  boolean reject;

  @Option(names = "--reason", description = "why, for the ledger and the notifications")
  String reason;

  @Option(names = "--by", description = "who answers (default: your user name)")
  String by;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException("'" + jobId + "' is not a job id (letters, digits,"
          + " _ . : -); `restoreflow jobs --status AWAITING_APPROVAL` lists the waiting ones");
    }
    String who = by != null ? by.strip() : System.getProperty("user.name");
    if (who == null || who.isBlank() || who.length() > 200) {
      throw new IllegalArgumentException("say who answers with --by NAME");
    }
    RestoreflowConfig cfg = config.load();
    Logging.init(config.resolve(cfg.logDir()), "WARN");
    WorkflowServiceStubs service = Temporal.connect(cfg.temporal());
    try {
      RestoreflowClient restoreflow =
          new RestoreflowClient(Temporal.client(service, cfg.temporal()));
      RestoreProgress answered;
      try {
        answered = restoreflow.answerApproval(jobId, new Approval(who, reason), !reject);
      } catch (WorkflowNotFoundException e) {
        throw new IllegalArgumentException("no restore job '" + jobId + "'; `restoreflow jobs`"
            + " lists them");
      }
      String verb = reject ? "rejected" : "approved";
      if (json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobId", jobId);
        out.put("answer", verb);
        out.put("by", who);
        out.put("reason", reason);
        out.put("plan", answered.plan());
        System.out.println(new ObjectMapper().writeValueAsString(out));
        return 0;
      }
      PlanSummary.lines(answered.plan()).forEach(System.out::println);
      System.out.printf("job %s %s by %s%s: %s%n", jobId, verb, who,
          reason == null ? "" : " (" + reason + ")",
          reject ? "it ends REJECTED, nothing was touched" : "it goes on; `restoreflow restore`"
              + " followers and `restoreflow job " + jobId + "` show its steps");
      return 0;
    } finally {
      service.shutdown();
    }
  }
}
