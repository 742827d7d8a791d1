package dev.restoreflow.worker.config;

import dev.restoreflow.activities.config.ApprovalConfig;

/** Checks an instance's {@code approval} section. */
final class ApprovalSettings {

  private ApprovalSettings() {}

  /** The section, checked; null when there is none (no approval asked by the config). */
  static ApprovalConfig check(String key, ApprovalConfig approval) {
    if (approval == null) {
      return null;
    }
    try {
      approval.timeoutSeconds();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ".timeout", e.getMessage());
    }
    return approval;
  }
}
