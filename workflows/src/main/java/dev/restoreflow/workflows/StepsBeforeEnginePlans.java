package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.PlannedStep;
import java.util.List;
import java.util.Map;

/**
 * Frozen: the steps of restore jobs started before engines planned their own steps. Their
 * recorded resolution and plan carry no step list, so a replay (or such a job still in flight
 * when the workers were upgraded) takes the list the workflow used to derive itself. New jobs
 * never come here; new engines are not added here.
 */
final class StepsBeforeEnginePlans {

  private static final Map<String, String> RESTORE_STEP_OF_ENGINE = Map.of("basebackup", "FetchS3");
  private static final String PROBACKUP_RESTORE = "ProbackupRestore";

  private StepsBeforeEnginePlans() {}

  static List<PlannedStep> of(String engine, boolean incremental) {
    return Steps.restore(RESTORE_STEP_OF_ENGINE.getOrDefault(engine, PROBACKUP_RESTORE),
        incremental);
  }
}
