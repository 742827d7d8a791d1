package dev.restoreflow.worker.config;

import dev.restoreflow.activities.config.ApprovalConfig;

/** Checks an instance's {@code approval} section. */
final class ApprovalSettings {

  private ApprovalSettings() {}

  /** The section, checked; null when there is none (no approval asked). */
  static ApprovalConfig check(String key, ApprovalConfig approval) {
    return approval;   // issue 17: checks land with the approval gate
  }
}
