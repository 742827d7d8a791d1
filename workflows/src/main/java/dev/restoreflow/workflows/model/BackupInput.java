package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the backup steps get: the job's instance and host, and the backup type the plan settled on.
 *
 * @param type the engine's backup type (FULL, DELTA, PAGE; full)
 * @param compression what the request asked for; null = the instance's config
 * @param name, dir, force the request's (see {@link BackupRequest}); null when not asked, and
 *     then left out of the JSON, as before they existed
 */
public record BackupInput(StepInput step, String type, String compression,
    @JsonInclude(JsonInclude.Include.NON_NULL) String name,
    @JsonInclude(JsonInclude.Include.NON_NULL) String dir,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean force,
    @JsonInclude(JsonInclude.Include.NON_NULL) java.util.List<String> tables) {

  public BackupInput(StepInput step, String type, String compression) {
    this(step, type, compression, null, null, null, null);
  }

  /** Of no particular tables (every engine but a table-backup one). */
  public BackupInput(StepInput step, String type, String compression, String name, String dir,
      Boolean force) {
    this(step, type, compression, name, dir, force, null);
  }

  @JsonIgnore
  public boolean forced() {
    return Boolean.TRUE.equals(force);
  }
}
