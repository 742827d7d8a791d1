package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One step of a job's plan: the activity the workflow runs, by the name the Temporal UI shows,
 * or a step shown as skipped, with the reason.
 *
 * @param skipped null when the step runs; the reason when it is shown as skipped
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlannedStep(String name, String skipped) {

  public static PlannedStep run(String name) {
    return new PlannedStep(name, null);
  }

  public static PlannedStep skip(String name, String why) {
    return new PlannedStep(name, why);
  }

  @JsonIgnore
  public boolean runs() {
    return skipped == null;
  }
}
