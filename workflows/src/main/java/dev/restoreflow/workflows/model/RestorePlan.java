package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The backup PlanRestore chose and the checks it passed.
 *
 * @param chain backup ids from the FULL backup to the chosen one
 * @param dataBytes bytes the restored data directory needs
 * @param freeBytes free bytes on the data directory's file system
 * @param steps the steps after planning, in order, as the engine and the request want them; null
 *     in plans recorded before engines planned their steps
 * @param backupTime what the restore brings back to, ISO-8601: the recovery target's time, or
 *     the chosen backup's end (consistency) time; null when not known
 * @param newestTransactionTime the running cluster's newest commit (ISO-8601), or when it is not
 *     known (track_commit_timestamp off) the planning time while the cluster runs; null when the
 *     cluster does not run (its data is then as of its last checkpoint: see {@code rpoBasis})
 * @param dataLossSeconds the RPO: seconds of data the restore loses (newest transaction, or now,
 *     minus {@code backupTime}); null when not known
 * @param rpoBasis in words, how {@code dataLossSeconds} was reckoned
 * @param estimatedSeconds the RTO estimate (null = no history; filled in by the workflow from
 *     the ledger after PlanRestore)
 * @param estimateBasis in words, how {@code estimatedSeconds} was reckoned
 * @param source where the backup is read from, for people ({@code s3://bucket/prefix/.../base.tar.zst});
 *     null when the engine does not say
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
    List<PlannedStep> steps,
    @JsonInclude(JsonInclude.Include.NON_NULL) String backupTime,
    @JsonInclude(JsonInclude.Include.NON_NULL) String newestTransactionTime,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long dataLossSeconds,
    @JsonInclude(JsonInclude.Include.NON_NULL) String rpoBasis,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long estimatedSeconds,
    @JsonInclude(JsonInclude.Include.NON_NULL) String estimateBasis,
    @JsonInclude(JsonInclude.Include.NON_NULL) String source) {

  /** A plan that does not say where its backup is read from. */
  public RestorePlan(String instance, String host, String engine, String backupId,
      String backupMode, String recoveryTime, List<String> chain, long dataBytes, long freeBytes,
      String pgdata, List<PlannedStep> steps, String backupTime, String newestTransactionTime,
      Long dataLossSeconds, String rpoBasis, Long estimatedSeconds, String estimateBasis) {
    this(instance, host, engine, backupId, backupMode, recoveryTime, chain, dataBytes, freeBytes,
        pgdata, steps, backupTime, newestTransactionTime, dataLossSeconds, rpoBasis,
        estimatedSeconds, estimateBasis, null);
  }

  /** A plan without RPO and RTO (engines fill in their part; PlanRestore adds these). */
  public RestorePlan(String instance, String host, String engine, String backupId,
      String backupMode, String recoveryTime, List<String> chain, long dataBytes, long freeBytes,
      String pgdata, List<PlannedStep> steps) {
    this(instance, host, engine, backupId, backupMode, recoveryTime, chain, dataBytes, freeBytes,
        pgdata, steps, null, null, null, null, null, null);
  }

  public RestorePlan withSteps(List<PlannedStep> planned) {
    return new RestorePlan(instance, host, engine, backupId, backupMode, recoveryTime, chain,
        dataBytes, freeBytes, pgdata, planned, backupTime, newestTransactionTime, dataLossSeconds,
        rpoBasis, estimatedSeconds, estimateBasis, source);
  }

  /** With where the backup is read from. */
  public RestorePlan withSource(String where) {
    return new RestorePlan(instance, host, engine, backupId, backupMode, recoveryTime, chain,
        dataBytes, freeBytes, pgdata, steps, backupTime, newestTransactionTime, dataLossSeconds,
        rpoBasis, estimatedSeconds, estimateBasis, where);
  }

  /** With the RPO, reckoned on the host by PlanRestore. */
  public RestorePlan withRpo(String backupAt, String newestTransactionAt, Long lossSeconds,
      String basis) {
    return new RestorePlan(instance, host, engine, backupId, backupMode, recoveryTime, chain,
        dataBytes, freeBytes, pgdata, steps, backupAt, newestTransactionAt, lossSeconds, basis,
        estimatedSeconds, estimateBasis, source);
  }

  /** With the RTO estimate from the ledger. */
  public RestorePlan withEstimate(RestoreEstimate estimate) {
    return new RestorePlan(instance, host, engine, backupId, backupMode, recoveryTime, chain,
        dataBytes, freeBytes, pgdata, steps, backupTime, newestTransactionTime, dataLossSeconds,
        rpoBasis, estimate.seconds(), estimate.basis(), source);
  }
}
