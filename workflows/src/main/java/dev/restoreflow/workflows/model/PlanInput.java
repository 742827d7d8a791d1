package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * PlanRestore's input.
 *
 * @param full the request's {@code full}: null (jobs started before it, or not asked) = the
 *     engine's default restore; left out of the JSON when null, as before it existed
 * @param tables the request's {@code tables}: null = the whole backup; left out when null
 */
public record PlanInput(StepInput step, String backupId, boolean incremental,
    RecoveryTarget recoveryTarget, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean full,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<String> tables) {

  public PlanInput(StepInput step, String backupId, boolean incremental,
      RecoveryTarget recoveryTarget) {
    this(step, backupId, incremental, recoveryTarget, null, null);
  }

  public PlanInput(StepInput step, String backupId, boolean incremental,
      RecoveryTarget recoveryTarget, Boolean full) {
    this(step, backupId, incremental, recoveryTarget, full, null);
  }
}
