package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a user asks for. Only {@code instance} is required: the host defaults to the instance's
 * host in the config and the backup to the newest valid one. The same JSON works from the
 * Temporal UI ({@code {"instance":"main1"}}), the CLI, the gateways and Java.
 *
 * @param incremental keep the data directory and rewrite only what differs (no WipeData)
 * @param promote null = promote when the restored cluster ends in recovery
 * @param requestedVia the way in: cli, api, nc, schedule, temporal (default)
 * @param full WipeData, then a restore into the empty directory; null or false = the engine's
 *     default (full for pg_probackup and basebackup, a delta restore for pgBackRest). Not
 *     together with {@code incremental}.
 * @param tables restore only these tables ({@code table} or {@code schema.table}), into the
 *     live database (pgdump); null = the whole backup
 * @param into restore into a scratch target instead of over the instance (a clone, or a drill);
 *     null = over the instance
 * @param drill a drill: restore into the scratch target ({@code into}, or the instance's
 *     configured one), start it, prove it (amcheck, row counts), record the measured RTO, remove
 *     it. The instance itself is never touched. null or false = not a drill
 * @param requireApproval wait for a person's approval after PlanRestore; null = as the instance's
 *     config says
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record RestoreRequest(
    String instance,
    String host,
    String backupId,
    boolean incremental,
    RecoveryTarget recoveryTarget,
    Boolean promote,
    boolean dryRun,
    String requestedBy,
    String requestedVia,
    Boolean full,
    List<String> tables,
    RestoreInto into,
    Boolean drill,
    Boolean requireApproval) {

  /** A request as it was before clones, drills and approval. */
  public RestoreRequest(String instance, String host, String backupId, boolean incremental,
      RecoveryTarget recoveryTarget, Boolean promote, boolean dryRun, String requestedBy,
      String requestedVia, Boolean full, List<String> tables) {
    this(instance, host, backupId, incremental, recoveryTarget, promote, dryRun, requestedBy,
        requestedVia, full, tables, null, null, null);
  }

  /** A request without {@code full}: the engine's default restore. */
  public RestoreRequest(String instance, String host, String backupId, boolean incremental,
      RecoveryTarget recoveryTarget, Boolean promote, boolean dryRun, String requestedBy,
      String requestedVia) {
    this(instance, host, backupId, incremental, recoveryTarget, promote, dryRun, requestedBy,
        requestedVia, null);
  }

  /** A request of the whole backup. */
  public RestoreRequest(String instance, String host, String backupId, boolean incremental,
      RecoveryTarget recoveryTarget, Boolean promote, boolean dryRun, String requestedBy,
      String requestedVia, Boolean full) {
    this(instance, host, backupId, incremental, recoveryTarget, promote, dryRun, requestedBy,
        requestedVia, full, null);
  }

  public static RestoreRequest of(String instance) {
    return new RestoreRequest(instance, null, null, false, null, null, false, null, null, null);
  }

  /**
   * Only these tables; null = the whole backup (left out of the JSON). An empty list is kept,
   * and refused: it is no way to ask for the whole backup.
   */
  public RestoreRequest withTables(List<String> names) {
    return new RestoreRequest(instance, host, backupId, incremental, recoveryTarget, promote,
        dryRun, requestedBy, requestedVia, full,
        names == null ? null : Collections.unmodifiableList(new ArrayList<>(names)), into, drill,
        requireApproval);
  }

  public RestoreRequest withHost(String newHost) {
    return new RestoreRequest(instance, newHost, backupId, incremental, recoveryTarget, promote,
        dryRun, requestedBy, requestedVia, full, tables, into, drill, requireApproval);
  }

  public RestoreRequest withBackupId(String id) {
    return new RestoreRequest(instance, host, id, incremental, recoveryTarget, promote, dryRun,
        requestedBy, requestedVia, full, tables, into, drill, requireApproval);
  }

  public RestoreRequest withIncremental(boolean value) {
    return new RestoreRequest(instance, host, backupId, value, recoveryTarget, promote, dryRun,
        requestedBy, requestedVia, full, tables, into, drill, requireApproval);
  }

  public RestoreRequest withRecoveryTarget(RecoveryTarget target) {
    return new RestoreRequest(instance, host, backupId, incremental, target, promote, dryRun,
        requestedBy, requestedVia, full, tables, into, drill, requireApproval);
  }

  public RestoreRequest withDryRun(boolean value) {
    return new RestoreRequest(instance, host, backupId, incremental, recoveryTarget, promote, value,
        requestedBy, requestedVia, full, tables, into, drill, requireApproval);
  }

  public RestoreRequest withRequestedVia(String via, String by) {
    return new RestoreRequest(instance, host, backupId, incremental, recoveryTarget, promote,
        dryRun, by, via, full, tables, into, drill, requireApproval);
  }

  /**
   * Asks for a full restore (WipeData, then into the empty directory) where the engine's default
   * is not; false leaves {@code full} out (null), which asks for the default.
   */
  public RestoreRequest withFull(boolean value) {
    return new RestoreRequest(instance, host, backupId, incremental, recoveryTarget, promote,
        dryRun, requestedBy, requestedVia, value ? Boolean.TRUE : null, tables, into, drill,
        requireApproval);
  }

  /** Restores into {@code target} (a clone); null = over the instance. */
  public RestoreRequest withInto(RestoreInto target) {
    return new RestoreRequest(instance, host, backupId, incremental, recoveryTarget, promote,
        dryRun, requestedBy, requestedVia, full, tables, target, drill, requireApproval);
  }

  /** A drill (into the instance's scratch target unless {@code into} names one). */
  public RestoreRequest withDrill(boolean value) {
    return new RestoreRequest(instance, host, backupId, incremental, recoveryTarget, promote,
        dryRun, requestedBy, requestedVia, full, tables, into, value ? Boolean.TRUE : null,
        requireApproval);
  }

  public RestoreRequest withRequireApproval(Boolean value) {
    return new RestoreRequest(instance, host, backupId, incremental, recoveryTarget, promote,
        dryRun, requestedBy, requestedVia, full, tables, into, drill, value);
  }

  /** Whether this request is a drill. */
  public boolean isDrill() {
    return Boolean.TRUE.equals(drill);
  }
}
