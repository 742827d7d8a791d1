package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Input of the engine's restore step (ProbackupRestore).
 *
 * @param tables the request's {@code tables}: null = the whole backup; left out of the JSON when
 *     null, as before it existed
 */
public record EngineRestoreInput(StepInput step, String backupId, boolean incremental,
    RecoveryTarget recoveryTarget, @JsonInclude(JsonInclude.Include.NON_NULL) List<String> tables) {

  public EngineRestoreInput(StepInput step, String backupId, boolean incremental,
      RecoveryTarget recoveryTarget) {
    this(step, backupId, incremental, recoveryTarget, null);
  }
}
