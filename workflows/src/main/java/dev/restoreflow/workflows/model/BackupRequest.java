package dev.restoreflow.workflows.model;

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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record BackupRequest(String instance, String type, String compression,
    String requestedBy, String requestedVia) {

  public static BackupRequest of(String instance) {
    return new BackupRequest(instance, null, null, null, null);
  }

  public BackupRequest withType(String newType) {
    return new BackupRequest(instance, newType, compression, requestedBy, requestedVia);
  }

  public BackupRequest withCompression(String newCompression) {
    return new BackupRequest(instance, type, newCompression, requestedBy, requestedVia);
  }

  public BackupRequest withRequestedVia(String via, String by) {
    return new BackupRequest(instance, type, compression, by, via);
  }
}
