package dev.restoreflow.activities.retention;

import java.util.List;
import java.util.Optional;

/**
 * Retention's verdict on every backup of a repository.
 *
 * @param decisions one per backup, newest first
 * @param toDelete the backups to delete, in the order to delete them: a backup comes after
 *     every backup built on it, so stopping half-way never leaves an incremental without its
 *     parent
 */
public record RetentionPlan(List<RetentionDecision> decisions, List<RetentionDecision> toDelete) {

  public RetentionPlan {
    decisions = List.copyOf(decisions);
    toDelete = List.copyOf(toDelete);
  }

  /** The backups kept, newest first. */
  public List<RetentionDecision> kept() {
    return decisions.stream().filter(RetentionDecision::keep).toList();
  }

  public List<String> toDeleteIds() {
    return toDelete.stream().map(RetentionDecision::id).toList();
  }

  public Optional<RetentionDecision> decision(String id) {
    return decisions.stream().filter(d -> d.id().equals(id)).findFirst();
  }
}
