package dev.restoreflow.activities.retention;

import java.util.List;

/**
 * What retention does with one backup, and why.
 *
 * @param categories the backup's day category (DAILY, WEEKLY or MONTHLY), then FULL for a full
 * @param reasons for a DBA to read: why it is kept ("daily 2/7 (Fri 2026-11-27)", "needed by
 *     kept B123 (its chain)") or deleted ("beyond daily 7"); never empty
 */
public record RetentionDecision(String id, boolean keep, List<RetentionCategory> categories,
    List<String> reasons) {

  public RetentionDecision {
    categories = List.copyOf(categories);
    reasons = List.copyOf(reasons);
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("the decision on backup " + id + " needs a reason");
    }
  }
}
