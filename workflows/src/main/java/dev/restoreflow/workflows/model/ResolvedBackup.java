package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A backup request checked against the config: the instance exists and its engine knows the
 * backup type.
 *
 * @param type the type to take, the engine's default filled in
 * @param compression the compression asked for; null = the instance's config
 * @param noticeEvents the events some configured webhook takes; null = no notices (and in
 *     resolutions recorded before notices existed)
 * @param stallAfterSeconds notify a running step without progress for this long; null = never
 */
public record ResolvedBackup(String jobId, String instance, String host, String engine,
    String type,
    String compression,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<String> noticeEvents,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long stallAfterSeconds) {

  public ResolvedBackup(String jobId, String instance, String host, String engine, String type,
      String compression) {
    this(jobId, instance, host, engine, type, compression, null, null);
  }

  /** Whether some webhook takes notices of {@code event}. */
  public boolean notifies(String event) {
    return noticeEvents != null && noticeEvents.contains(event);
  }
}
