package dev.restoreflow.workflows.model;

import java.util.List;

/**
 * The backup PlanRestore chose and the checks it passed.
 *
 * @param chain backup ids from the FULL backup to the chosen one
 * @param dataBytes bytes the restored data directory needs
 * @param freeBytes free bytes on the data directory's file system
 * @param steps the steps after planning, in order, as the engine and the request want them; null
 *     in plans recorded before engines planned their steps
 */
public record RestorePlan(
    String instance,
    String host,
    String engine,
    String backupId,
    String backupMode,
    String recoveryTime,
    List<String> chain,
    long dataBytes,
    long freeBytes,
    String pgdata,
    List<PlannedStep> steps) {

  public RestorePlan withSteps(List<PlannedStep> planned) {
    return new RestorePlan(instance, host, engine, backupId, backupMode, recoveryTime, chain,
        dataBytes, freeBytes, pgdata, planned);
  }
}
