package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A backup someone asks for. Only {@code instance} is required; the backup runs on the
 * instance's own host. The same JSON works from the Temporal UI ({@code {"instance":"main1"}}),
 * the CLI, schedules and Java.
 *
 * @param type the engine's backup type (pg_probackup FULL, DELTA, PAGE; basebackup full); null
 *     = the engine's default
 * @param compression the engine's compression for this backup (basebackup: gzip, zstd, lz4,
 *     none); null = the instance's config
 * @param requestedVia the way in: cli, api, schedule, temporal (default)
 * @param name the backup's id, chosen by the user (pgdump); null = the engine's own id. Refused
 *     when a backup of that name exists, unless {@code force}
 * @param dir the sub-directory of the instance's repository the backup goes to (pgdump); null =
 *     the instance's default place
 * @param force replace the backup named {@code name}; null or false = refuse an existing name
 * @param tables the tables a table-backup engine (mysqltables) dumps; null for the others
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record BackupRequest(String instance, String type, String compression,
    String requestedBy, String requestedVia, String name, String dir, Boolean force,
    java.util.List<String> tables) {

  public BackupRequest {
    tables = tables == null ? null : java.util.List.copyOf(tables);
  }

  /** A request of no particular tables. */
  public BackupRequest(String instance, String type, String compression, String requestedBy,
      String requestedVia, String name, String dir, Boolean force) {
    this(instance, type, compression, requestedBy, requestedVia, name, dir, force, null);
  }

  /** A request without a name or directory: the engine's own id in the default place. */
  public BackupRequest(String instance, String type, String compression, String requestedBy,
      String requestedVia) {
    this(instance, type, compression, requestedBy, requestedVia, null, null, null);
  }

  public static BackupRequest of(String instance) {
    return new BackupRequest(instance, null, null, null, null);
  }

  public BackupRequest withType(String newType) {
    return new BackupRequest(instance, newType, compression, requestedBy, requestedVia, name,
        dir, force, tables);
  }

  public BackupRequest withCompression(String newCompression) {
    return new BackupRequest(instance, type, newCompression, requestedBy, requestedVia, name,
        dir, force, tables);
  }

  public BackupRequest withRequestedVia(String via, String by) {
    return new BackupRequest(instance, type, compression, by, via, name, dir, force, tables);
  }

  public BackupRequest withName(String newName) {
    return new BackupRequest(instance, type, compression, requestedBy, requestedVia, newName,
        dir, force, tables);
  }

  public BackupRequest withDir(String newDir) {
    return new BackupRequest(instance, type, compression, requestedBy, requestedVia, name,
        newDir, force, tables);
  }

  /** false leaves {@code force} out (null), as in requests from before it existed. */
  public BackupRequest withForce(boolean value) {
    return new BackupRequest(instance, type, compression, requestedBy, requestedVia, name, dir,
        value ? Boolean.TRUE : null, tables);
  }

  public BackupRequest withTables(java.util.List<String> newTables) {
    return new BackupRequest(instance, type, compression, requestedBy, requestedVia, name, dir,
        force, newTables);
  }

  @JsonIgnore
  public boolean forced() {
    return Boolean.TRUE.equals(force);
  }
}
