package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the ledger keeps of a restore beyond its state, for RTO estimates, the catalog's "last
 * proven" and the approver. Sent with the job's events once known; fields not known yet are null.
 *
 * @param engine the instance's engine
 * @param backupId the backup restored
 * @param dataBytes the plan's data size
 * @param restoreMillis measured restore time: from the first step after PlanRestore (and after
 *     approval) to the end of VerifyCluster; null until the job has restored
 * @param drill whether the job was a drill (its success proves {@code backupId})
 * @param approval who approved or rejected, and why: "approved by alice: OPS-12"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobOutcome(String engine, String backupId, Long dataBytes, Long restoreMillis,
    Boolean drill, String approval) {}
