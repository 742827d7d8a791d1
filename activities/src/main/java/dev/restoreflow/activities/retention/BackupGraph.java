package dev.restoreflow.activities.retention;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The backups of one repository and their parent links: which ones can be restored, what each
 * depends on. A backup can be restored when it is good and, for an incremental, every backup of
 * its chain back to a full exists and is good.
 */
final class BackupGraph {

  /** Newest first by end time; equal end times are ordered by id, the greater id counting as newer. */
  static final Comparator<BackupFacts> NEWEST_FIRST =
      Comparator.comparing(BackupFacts::endTime).thenComparing(BackupFacts::id).reversed();

  private final List<BackupFacts> newestFirst;
  private final Map<String, BackupFacts> byId = new HashMap<>();
  private final Map<String, String> unrestorable = new HashMap<>();

  BackupGraph(List<BackupFacts> backups) {
    for (BackupFacts backup : backups) {
      if (byId.putIfAbsent(backup.id(), backup) != null) {
        throw new IllegalArgumentException("backup id " + backup.id()
            + " appears twice in the list; every backup needs its own id");
      }
    }
    newestFirst = backups.stream().sorted(NEWEST_FIRST).toList();
    for (BackupFacts backup : newestFirst) {
      String why = whyUnrestorable(backup);
      if (why != null) {
        unrestorable.put(backup.id(), why);
      }
    }
  }

  List<BackupFacts> newestFirst() {
    return newestFirst;
  }

  Optional<BackupFacts> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  boolean restorable(BackupFacts backup) {
    return !unrestorable.containsKey(backup.id());
  }

  /** Why a backup cannot be restored ("failed", "its parent B3 is missing"), or null if it can. */
  String unrestorableReason(BackupFacts backup) {
    return unrestorable.get(backup.id());
  }

  /** The newest backup that can be restored. */
  Optional<BackupFacts> newestRestorable() {
    return newestFirst.stream().filter(this::restorable).findFirst();
  }

  /** Is {@code backup} newer than {@code other} (end time, then id)? */
  static boolean newer(BackupFacts backup, BackupFacts other) {
    return NEWEST_FIRST.compare(backup, other) < 0;
  }

  /**
   * The backups of this list that {@code backup} is built on: its parent, the parent's parent...
   * up to a full, a missing parent or a loop. Nearest first.
   */
  List<BackupFacts> ancestors(BackupFacts backup) {
    List<BackupFacts> chain = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    seen.add(backup.id());
    BackupFacts current = backup;
    while (!current.full() && current.parentId() != null) {
      BackupFacts parent = byId.get(current.parentId());
      if (parent == null || !seen.add(parent.id())) {
        break;
      }
      chain.add(parent);
      current = parent;
    }
    return chain;
  }

  private String whyUnrestorable(BackupFacts backup) {
    if (!backup.good()) {
      return "failed";
    }
    Set<String> seen = new HashSet<>();
    seen.add(backup.id());
    BackupFacts current = backup;
    while (!current.full()) {
      boolean direct = current == backup;
      String prefix = direct ? "its " : "its chain is broken: " + current.id() + "'s ";
      if (current.parentId() == null) {
        return direct ? "it records no parent backup"
            : "its chain is broken: " + current.id() + " records no parent backup";
      }
      BackupFacts parent = byId.get(current.parentId());
      if (parent == null) {
        return prefix + "parent " + current.parentId() + " is missing";
      }
      if (!parent.good()) {
        return prefix + "parent " + parent.id() + " failed";
      }
      if (!seen.add(parent.id())) {
        return "its chain loops back to " + parent.id();
      }
      current = parent;
    }
    return null;
  }
}
