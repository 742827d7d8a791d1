package dev.restoreflow.worker.http;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.restoreflow.worker.PlanSummary;
import dev.restoreflow.workflows.model.RestorePlan;
import java.util.List;
import java.util.Map;

/**
 * A job as the API shows it: what the ledger has, with the live progress Temporal answers while
 * it has the job. Times are epoch milliseconds.
 *
 * @param kind restore or backup
 * @param state RESOLVING, QUEUED, RUNNING, AWAITING_APPROVAL, SUCCEEDED, PLANNED, FAILED,
 *     CANCELLED, REJECTED (or the
 *     ledger's TERMINATED, TIMED_OUT, LOST for jobs Temporal no longer has)
 * @param queuePosition jobs ahead of it on its host (0 = running), when it is not over
 * @param heartbeat the running step's last heartbeat (e.g. files done, percent), when asked for
 * @param plan PlanRestore's plan (with RPO and RTO figures) while Temporal has the job
 * @param rpo the plan's RPO in words: "RPO: restores to ..., loses 10 min 3 s of commits"
 * @param rto the plan's RTO estimate in words: "RTO: about 4 min (median of ...)", "RTO: no
 *     history"
 * @param approval who approved or rejected the job, and why (the ledger's)
 * @param restoreMillis the measured restore time (the ledger's), once restored
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
    String jobId,
    String workflowId,
    String kind,
    String instance,
    String host,
    String state,
    String currentStep,
    String backupId,
    Integer queuePosition,
    String requestedVia,
    Long createdAt,
    Long finishedAt,
    String message,
    String dataState,
    String error,
    List<Step> steps,
    Map<String, Object> heartbeat,
    RestorePlan plan,
    String rpo,
    String rto,
    String approval,
    Long restoreMillis) {

  /** A job without a plan or an outcome. */
  public JobView(String jobId, String workflowId, String kind, String instance, String host,
      String state, String currentStep, String backupId, Integer queuePosition,
      String requestedVia, Long createdAt, Long finishedAt, String message, String dataState,
      String error, List<Step> steps, Map<String, Object> heartbeat) {
    this(jobId, workflowId, kind, instance, host, state, currentStep, backupId, queuePosition,
        requestedVia, createdAt, finishedAt, message, dataState, error, steps, heartbeat, null,
        null, null, null, null);
  }

  /** One step: PENDING, RUNNING, DONE, FAILED, SKIPPED, ... */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Step(String name, String status, long startedAt, long endedAt, long durationMillis,
      String detail) {}

  @JsonIgnore
  public boolean isOver() {
    return switch (state) {
      case "RESOLVING", "QUEUED", "RUNNING", "AWAITING_APPROVAL", "UNKNOWN" -> false;
      default -> true;
    };
  }

  /** The lines of the job's log as the seed's pages showed them: one per step, then the end. */
  public List<String> logLines() {
    List<String> lines = new java.util.ArrayList<>();
    lines.add("job " + jobId + " (" + kind + " of " + instance + " on " + host + "): " + state);
    for (Step s : steps == null ? List.<Step>of() : steps) {
      lines.add(String.format("%-17s %-9s %s%s", s.name(), s.status(),
          s.durationMillis() > 0 ? String.format("%.2f s", s.durationMillis() / 1000.0) : "-",
          s.detail() == null ? "" : "  " + s.detail()));
    }
    if (rpo != null) {
      lines.add(rpo);
      if (plan != null && plan.rpoBasis() != null) {
        lines.add("     " + plan.rpoBasis());
      }
    }
    if (rto != null) {
      lines.add(rto);
    }
    if (approval != null) {
      lines.add("approval: " + approval);
    }
    if (restoreMillis != null) {
      lines.add("RTO: " + PlanSummary.measured(restoreMillis));
    }
    if (message != null) {
      lines.add(message);
    }
    if (error != null && !error.equals(message)) {
      lines.add("error: " + error);
    }
    if (dataState != null && !"SUCCEEDED".equals(state)) {
      lines.add("data directory: " + dataState);
    }
    return lines;
  }
}
