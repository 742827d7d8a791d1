package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Retention asked for an instance: what its policy (the config's, with these counts instead where
 * given) would delete, and with {@code apply} the deletion itself, as a job in the host's queue.
 * The same JSON works from the Temporal UI ({@code {"instance":"main1","apply":true}}), the CLI,
 * schedules and Java.
 *
 * @param daily how many days keep their newest daily backup; null = the config's
 * @param weekly how many Sundays; monthly how many 1sts of a month; full how many fulls
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record RetentionRequest(String instance, Integer daily, Integer weekly, Integer monthly,
    Integer full, boolean apply, String requestedBy, String requestedVia) {

  /** A dry run of the instance's configured policy. */
  public static RetentionRequest dryRun(String instance) {
    return new RetentionRequest(instance, null, null, null, null, false, null, null);
  }

  public RetentionRequest applying() {
    return new RetentionRequest(instance, daily, weekly, monthly, full, true, requestedBy,
        requestedVia);
  }

  public RetentionRequest withCounts(Integer newDaily, Integer newWeekly, Integer newMonthly,
      Integer newFull) {
    return new RetentionRequest(instance, newDaily, newWeekly, newMonthly, newFull, apply,
        requestedBy, requestedVia);
  }

  public RetentionRequest withRequestedVia(String via, String by) {
    return new RetentionRequest(instance, daily, weekly, monthly, full, apply, by, via);
  }
}
