package dev.restoreflow.activities.retention;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * The order to delete backups in: dependents before the backup they are built on, otherwise
 * newest first. (End times alone would do for sane data; the parent links are what counts.)
 */
final class DeletionOrder {

  private DeletionOrder() {}

  static List<BackupFacts> of(List<BackupFacts> toDelete) {
    Map<String, BackupFacts> byId = new HashMap<>();
    toDelete.forEach(b -> byId.put(b.id(), b));
    Map<String, Integer> dependentsLeft = new HashMap<>();
    toDelete.forEach(b -> dependentsLeft.put(b.id(), 0));
    for (BackupFacts backup : toDelete) {
      BackupFacts parent = parentIn(byId, backup);
      if (parent != null) {
        dependentsLeft.merge(parent.id(), 1, Integer::sum);
      }
    }
    PriorityQueue<BackupFacts> ready = new PriorityQueue<>(BackupGraph.NEWEST_FIRST);
    Set<BackupFacts> waiting = new TreeSet<>(BackupGraph.NEWEST_FIRST);
    for (BackupFacts backup : toDelete) {
      (dependentsLeft.get(backup.id()) == 0 ? ready : waiting).add(backup);
    }
    List<BackupFacts> order = new ArrayList<>();
    while (order.size() < toDelete.size()) {
      BackupFacts next = ready.poll();
      if (next == null) {
        // Only a loop of parent links leaves nothing ready: break it at its newest backup.
        next = waiting.iterator().next();
      }
      waiting.remove(next);
      order.add(next);
      BackupFacts parent = parentIn(byId, next);
      if (parent != null && waiting.contains(parent)
          && dependentsLeft.merge(parent.id(), -1, Integer::sum) == 0) {
        waiting.remove(parent);
        ready.add(parent);
      }
    }
    return order;
  }

  private static BackupFacts parentIn(Map<String, BackupFacts> byId, BackupFacts backup) {
    return backup.full() || backup.parentId() == null ? null : byId.get(backup.parentId());
  }
}
