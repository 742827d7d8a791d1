package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A request checked against the config: the instance exists, the host is known and allowed, the
 * backup id and recovery target are of the engine's form.
 *
 * @param steps the steps the job will show until PlanRestore has planned them; null in
 *     resolutions recorded before engines planned their steps
 * @param into the scratch target, resolved (directory and port, or database, under the instance's
 *     scratch config); null = the restore goes over the instance
 * @param approval whether the job waits for approval after PlanRestore; null = it does not
 *     (and in resolutions recorded before approvals existed)
 * @param stallAfterSeconds notify when the running step has shown no progress for this long;
 *     null = never
 * @param noticeEvents the events some configured webhook takes (JobNotice's words); null or empty
 *     = the job sends no notices
 */
public record ResolvedRestore(String jobId, String instance, String host, String engine,
    boolean promoteByDefault, List<PlannedStep> steps,
    @JsonInclude(JsonInclude.Include.NON_NULL) RestoreInto into,
    @JsonInclude(JsonInclude.Include.NON_NULL) ApprovalPolicy approval,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long stallAfterSeconds,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<String> noticeEvents) {

  /** A resolution of a restore over the instance, without approval or stall notices. */
  public ResolvedRestore(String jobId, String instance, String host, String engine,
      boolean promoteByDefault, List<PlannedStep> steps) {
    this(jobId, instance, host, engine, promoteByDefault, steps, null, null, null, null);
  }

  /** Whether some webhook takes notices of {@code event}. */
  public boolean notifies(String event) {
    return noticeEvents != null && noticeEvents.contains(event);
  }

  public boolean requiresApproval() {
    return approval != null && approval.required();
  }
}
