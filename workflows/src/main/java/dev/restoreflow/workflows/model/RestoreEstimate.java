package dev.restoreflow.workflows.model;

/**
 * How long a restore should take, from this instance's past restores and drills in the ledger.
 *
 * @param seconds the estimate; null when there is no history to estimate from
 * @param basis in words: "median of 3 restores of main1: 41.2 MiB/s" or "no history"
 */
public record RestoreEstimate(Long seconds, String basis) {

  public static RestoreEstimate noHistory() {
    return new RestoreEstimate(null, "no history");
  }
}
