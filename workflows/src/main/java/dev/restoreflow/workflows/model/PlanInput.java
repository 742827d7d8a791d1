package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * PlanRestore's input.
 *
 * @param full the request's {@code full}: null (jobs started before it, or not asked) = the
 *     engine's default restore; left out of the JSON when null, as before it existed
 */
public record PlanInput(StepInput step, String backupId, boolean incremental,
    RecoveryTarget recoveryTarget, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean full) {

  public PlanInput(StepInput step, String backupId, boolean incremental,
      RecoveryTarget recoveryTarget) {
    this(step, backupId, incremental, recoveryTarget, null);
  }
}
