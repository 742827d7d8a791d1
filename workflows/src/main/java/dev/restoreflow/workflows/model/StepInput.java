package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What every host-bound step gets: the job (for log tagging), the instance and its host.
 *
 * @param into the scratch target a clone or drill works on instead of the instance (the host
 *     worker's steps then see the instance's config with the scratch directory, port or database
 *     in place of its own); null = the instance itself. Left out of the JSON when null, as before
 *     it existed.
 */
public record StepInput(String jobId, String instance, String host,
    @JsonInclude(JsonInclude.Include.NON_NULL) RestoreInto into) {

  public StepInput(String jobId, String instance, String host) {
    this(jobId, instance, host, null);
  }
}
