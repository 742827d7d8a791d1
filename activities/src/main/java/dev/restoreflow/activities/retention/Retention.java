package dev.restoreflow.activities.retention;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GFS retention with the seed's categories: which backups of a repository to keep, which to
 * delete, and why. Pure: no clock, no I/O; the same list gives the same plan.
 *
 * <p>The rules, exactly:
 * <ol>
 *   <li><b>Day category.</b> A backup's day is the date of its end time in the time zone given
 *       (UTC by default). The 1st of a month is <i>monthly</i> (also when it is a Sunday),
 *       another Sunday is <i>weekly</i>, Monday to Saturday is <i>daily</i>. Each backup is in
 *       exactly one day category. A full backup counts in the <i>full</i> category as well,
 *       whatever its day.
 *   <li><b>Good.</b> Only a backup that can be restored counts in a category: it completed and
 *       was validated, and for an incremental, every backup of its chain back to its full
 *       exists and is good. An incremental whose chain is broken (a parent missing or failed)
 *       is treated like a failed backup.
 *   <li><b>One per day.</b> Daily keeps, for each of the N most recent days that have a good
 *       daily backup, the newest good daily backup of that day (N = the daily count). Weekly
 *       does the same with Sundays (one per ISO week), monthly with 1sts (one per month).
 *       Days without a good backup of the category cost nothing. Older backups of the same
 *       day are not kept by the category.
 *   <li><b>Full.</b> Full keeps the N newest good full backups, however many share a day.
 *   <li><b>Union.</b> A backup is kept when any category keeps it.
 *   <li><b>Newest good.</b> The newest good backup is always kept, even with every count 0.
 *   <li><b>Failed.</b> A category never keeps a failed or broken backup. One newer than the
 *       newest good backup is kept (it may still be under investigation, and until a good
 *       backup follows it is the latest word on what went wrong); older ones are deleted.
 *       When no backup is good, every failed one is kept.
 *   <li><b>Chains.</b> Every backup that a kept backup is built on (its parent, the parent's
 *       parent, ... up to its full) is kept too, so nothing kept ever depends on something
 *       deleted.
 *   <li>Everything else is deleted, dependents before the backups they are built on.
 * </ol>
 * Newest means the latest end time; two backups that ended at the same instant are ordered by
 * id, the greater id counting as newer.
 */
public final class Retention {

  private static final List<RetentionCategory> DAY_CATEGORIES =
      List.of(RetentionCategory.DAILY, RetentionCategory.WEEKLY, RetentionCategory.MONTHLY);

  private final BackupGraph graph;
  private final RetentionPolicy policy;
  private final ZoneId zone;
  /** Per day category: for each day with a good backup of that category, its newest one. */
  private final Map<RetentionCategory, Map<LocalDate, BackupFacts>> newestPerDay =
      new EnumMap<>(RetentionCategory.class);
  private final Map<String, List<String>> keepReasons = new HashMap<>();

  private Retention(List<BackupFacts> backups, RetentionPolicy policy, ZoneId zone) {
    this.graph = new BackupGraph(backups);
    this.policy = policy;
    this.zone = zone;
  }

  /** {@link #plan(List, RetentionPolicy, ZoneId)} with days in UTC. */
  public static RetentionPlan plan(List<BackupFacts> backups, RetentionPolicy policy) {
    return plan(backups, policy, ZoneOffset.UTC);
  }

  /**
   * @param backups every backup of one repository (one instance/database), in any order
   * @param zone the time zone that tells a backup's day
   * @throws IllegalArgumentException when two backups share an id
   */
  public static RetentionPlan plan(List<BackupFacts> backups, RetentionPolicy policy, ZoneId zone) {
    return new Retention(backups, policy, zone).plan();
  }

  private RetentionPlan plan() {
    keepByDayCategories();
    keepNewestFulls();
    Optional<BackupFacts> newestGood = graph.newestRestorable();
    newestGood.ifPresent(b -> keep(b, "newest good backup"));
    keepFailedNewerThan(newestGood.orElse(null));
    keepChains();

    List<RetentionDecision> decisions = new ArrayList<>();
    List<BackupFacts> deleted = new ArrayList<>();
    Map<String, RetentionDecision> deletions = new HashMap<>();
    for (BackupFacts backup : graph.newestFirst()) {
      List<String> reasons = keepReasons.get(backup.id());
      boolean keep = reasons != null;
      RetentionDecision decision = new RetentionDecision(backup.id(), keep, categories(backup),
          keep ? reasons : deleteReasons(backup, newestGood.orElse(null)));
      decisions.add(decision);
      if (!keep) {
        deleted.add(backup);
        deletions.put(backup.id(), decision);
      }
    }
    List<RetentionDecision> toDelete =
        DeletionOrder.of(deleted).stream().map(b -> deletions.get(b.id())).toList();
    return new RetentionPlan(decisions, toDelete);
  }

  private void keepByDayCategories() {
    for (RetentionCategory category : DAY_CATEGORIES) {
      Map<LocalDate, BackupFacts> perDay = new LinkedHashMap<>();
      for (BackupFacts backup : graph.newestFirst()) {
        if (graph.restorable(backup) && dayCategory(backup) == category) {
          perDay.putIfAbsent(day(backup), backup);
        }
      }
      newestPerDay.put(category, perDay);
      int limit = policy.count(category);
      int rank = 0;
      for (Map.Entry<LocalDate, BackupFacts> kept : perDay.entrySet()) {
        if (++rank > limit) {
          break;
        }
        keep(kept.getValue(), category.label() + " " + rank + "/" + limit + " ("
            + category.dayLabel(kept.getKey()) + ")");
      }
    }
  }

  private void keepNewestFulls() {
    int rank = 0;
    for (BackupFacts backup : graph.newestFirst()) {
      if (backup.full() && graph.restorable(backup) && ++rank <= policy.full()) {
        keep(backup, "full " + rank + "/" + policy.full());
      }
    }
  }

  private void keepFailedNewerThan(BackupFacts newestGood) {
    for (BackupFacts backup : graph.newestFirst()) {
      if (graph.restorable(backup)) {
        continue;
      }
      String what = graph.unrestorableReason(backup).equals("failed") ? "failed"
          : "cannot be restored (" + graph.unrestorableReason(backup) + ")";
      if (newestGood == null) {
        keep(backup, what + ", and no backup is good: kept for investigation");
      } else if (BackupGraph.newer(backup, newestGood)) {
        keep(backup, what + ", but newer than the newest good backup " + newestGood.id()
            + ": kept for investigation until a good backup follows it");
      }
    }
  }

  /**
   * Keeps what kept backups are built on, naming the newest kept good backup that needs each one
   * (a kept failed one only when no good one does).
   */
  private void keepChains() {
    Map<String, String> neededBy = new LinkedHashMap<>();
    for (boolean good : List.of(true, false)) {
      for (BackupFacts backup : graph.newestFirst()) {
        if (keepReasons.containsKey(backup.id()) && graph.restorable(backup) == good) {
          for (BackupFacts ancestor : graph.ancestors(backup)) {
            if (!keepReasons.containsKey(ancestor.id())) {
              neededBy.putIfAbsent(ancestor.id(), backup.id());
            }
          }
        }
      }
    }
    neededBy.forEach((ancestor, dependent) -> keepReasons.put(ancestor,
        List.of("needed by kept " + dependent + " (its chain)")));
  }

  private List<String> deleteReasons(BackupFacts backup, BackupFacts newestGood) {
    if (!graph.restorable(backup)) {
      String why = graph.unrestorableReason(backup);
      return List.of(why.equals("failed")
          ? "failed backup older than the newest good one (" + newestGood.id() + ")" : why);
    }
    List<String> reasons = new ArrayList<>();
    RetentionCategory category = dayCategory(backup);
    LocalDate day = day(backup);
    BackupFacts newestOfDay = newestPerDay.get(category).get(day);
    if (newestOfDay != backup && policy.count(category) > 0) {
      reasons.add("not the newest " + category.label() + " backup of " + category.dayLabel(day)
          + " (" + newestOfDay.id() + " is)");
    } else {
      reasons.add(beyond(category));
    }
    if (backup.full()) {
      reasons.add(beyond(RetentionCategory.FULL));
    }
    return reasons;
  }

  private String beyond(RetentionCategory category) {
    int limit = policy.count(category);
    return limit == 0 ? "the policy keeps no " + category.label() + " backups"
        : "beyond " + category.label() + " " + limit;
  }

  private void keep(BackupFacts backup, String reason) {
    keepReasons.computeIfAbsent(backup.id(), id -> new ArrayList<>()).add(reason);
  }

  private List<RetentionCategory> categories(BackupFacts backup) {
    return backup.full() ? List.of(dayCategory(backup), RetentionCategory.FULL)
        : List.of(dayCategory(backup));
  }

  private RetentionCategory dayCategory(BackupFacts backup) {
    return RetentionCategory.ofDay(day(backup));
  }

  private LocalDate day(BackupFacts backup) {
    return backup.endTime().atZone(zone).toLocalDate();
  }
}
