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
    List<String> tables) {

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
        names == null ? null : Collections.unmodifiableList(new ArrayList<>(names)));
  }

  public RestoreRequest withHost(String newHost) {
    return new RestoreRequest(instance, newHost, backupId, incremental, recoveryTarget, promote,
        dryRun, requestedBy, requestedVia, full, tables);
  }

  public RestoreRequest withBackupId(String id) {
    return new RestoreRequest(instance, host, id, incremental, recoveryTarget, promote, dryRun,
        requestedBy, requestedVia, full, tables);
  }

  public RestoreRequest withIncremental(boolean value) {
    return new RestoreRequest(instance, host, backupId, value, recoveryTarget, promote, dryRun,
        requestedBy, requestedVia, full, tables);
  }

  public RestoreRequest withRecoveryTarget(RecoveryTarget target) {
    return new RestoreRequest(instance, host, backupId, incremental, target, promote, dryRun,
        requestedBy, requestedVia, full, tables);
  }

  public RestoreRequest withDryRun(boolean value) {
    return new RestoreRequest(instance, host, backupId, incremental, recoveryTarget, promote, value,
        requestedBy, requestedVia, full, tables);
  }

  public RestoreRequest withRequestedVia(String via, String by) {
    return new RestoreRequest(instance, host, backupId, incremental, recoveryTarget, promote,
        dryRun, by, via, full, tables);
  }

  /**
   * Asks for a full restore (WipeData, then into the empty directory) where the engine's default
   * is not; false leaves {@code full} out (null), which asks for the default.
   */
  public RestoreRequest withFull(boolean value) {
    return new RestoreRequest(instance, host, backupId, incremental, recoveryTarget, promote,
        dryRun, requestedBy, requestedVia, value ? Boolean.TRUE : null, tables);
  }
}
