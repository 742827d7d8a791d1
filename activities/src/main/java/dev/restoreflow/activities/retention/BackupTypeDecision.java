package dev.restoreflow.activities.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The seed's automatic choice between a full and an incremental backup, with the reason shown
 * to the user and stored in the backup's metadata.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>{@code --force-full} or {@code --type full}: a full ("asked for a full").
 *   <li>No good full backup: a full ("no full backup yet"; with {@code --type incremental}
 *       "no full backup to build on").
 *   <li>{@code --type incremental}: an incremental, whatever the thresholds.
 *   <li>Auto: a full when the newest good full is older than {@code maxFullAgeDays} days (a
 *       full exactly 7 days old is not older than 7 days), or when the backup about to be made
 *       would be incremental number {@code maxIncrementals + 1} after it (its chain already
 *       holds {@code maxIncrementals} incrementals; with the defaults a full plus 5
 *       incrementals makes the seventh backup a full). Otherwise an incremental.
 * </ol>
 * An incremental's parent is the newest good backup of the newest good full's chain (the
 * full itself when no good incremental follows it yet). "Good" is as in {@link Retention}:
 * complete, valid, and its whole chain present and good.
 */
public record BackupTypeDecision(BackupType type, String parentId, String reason) {

  public BackupTypeDecision {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
    if ((type == BackupType.FULL) != (parentId == null)) {
      throw new IllegalArgumentException("an incremental has a parent, a full has none (got "
          + type + " with parent " + parentId + ")");
    }
  }

  /** {@link #decide(List, Instant, Thresholds, Requested, ZoneId)} with dates shown in UTC. */
  public static BackupTypeDecision decide(List<BackupFacts> existing, Instant now,
      Thresholds thresholds, Requested requested) {
    return decide(existing, now, thresholds, requested, ZoneOffset.UTC);
  }

  /**
   * @param existing the instance's backups (one repository), any order
   * @param zone the time zone of the dates in the reason
   */
  public static BackupTypeDecision decide(List<BackupFacts> existing, Instant now,
      Thresholds thresholds, Requested requested, ZoneId zone) {
    if (requested.forceFull() || requested.type() == Requested.Type.FULL) {
      return full("asked for a full");
    }
    BackupGraph graph = new BackupGraph(existing);
    BackupFacts newestFull = graph.newestFirst().stream()
        .filter(b -> b.full() && graph.restorable(b)).findFirst().orElse(null);
    if (newestFull == null) {
      if (requested.type() == Requested.Type.INCREMENTAL) {
        return full("no full backup to build on");
      }
      boolean anyFull = existing.stream().anyMatch(BackupFacts::full);
      return full(anyFull ? "no good full backup yet" : "no full backup yet");
    }

    Duration age = Duration.between(newestFull.endTime(), now);
    age = age.isNegative() ? Duration.ZERO : age;
    BackupFacts parent = newestOfChain(graph, newestFull);
    int following = graph.ancestors(parent).size();
    String chainState = (following == 0 ? "no incremental follows"
        : plural(following, "incremental follows", "incrementals follow")) + " full "
            + newestFull.id() + " (" + newestFull.endTime().atZone(zone).toLocalDate()
        + ", " + describe(age) + " old)";
    if (requested.type() == Requested.Type.INCREMENTAL) {
      return incremental(parent, "asked for an incremental; " + chainState);
    }
    if (age.compareTo(Duration.ofDays(thresholds.maxFullAgeDays())) > 0) {
      return full("newest full " + newestFull.id() + " is " + describe(age) + " old (limit "
          + plural(thresholds.maxFullAgeDays(), "day", "days") + ")");
    }
    if (following + 1 > thresholds.maxIncrementals()) {
      return full(plural(following + 1, "incremental", "incrementals") + " would follow full "
          + newestFull.id()
          + " (limit " + thresholds.maxIncrementals() + ")");
    }
    return incremental(parent, chainState);
  }

  /** The newest good backup whose chain ends at {@code full}; the full itself if none. */
  private static BackupFacts newestOfChain(BackupGraph graph, BackupFacts full) {
    return graph.newestFirst().stream()
        .filter(graph::restorable)
        .filter(b -> b == full || rootOf(graph, b) == full)
        .findFirst().orElse(full);
  }

  private static BackupFacts rootOf(BackupGraph graph, BackupFacts backup) {
    List<BackupFacts> ancestors = graph.ancestors(backup);
    return ancestors.isEmpty() ? backup : ancestors.get(ancestors.size() - 1);
  }

  private static BackupTypeDecision full(String reason) {
    return new BackupTypeDecision(BackupType.FULL, null, reason);
  }

  private static BackupTypeDecision incremental(BackupFacts parent, String reason) {
    return new BackupTypeDecision(BackupType.INCREMENTAL, parent.id(), reason);
  }

  /**
   * The age in its two largest non-zero units, smaller ones dropped: "8 days", "7 days 3 hours",
   * "7 days 1 second" (so an age just over a limit never reads as the limit), "5 hours 2 minutes".
   */
  static String describe(Duration age) {
    long[] amounts = {age.toDays(), age.toHoursPart(), age.toMinutesPart(), age.toSecondsPart()};
    String[][] units = {{"day", "days"}, {"hour", "hours"}, {"minute", "minutes"},
        {"second", "seconds"}};
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < amounts.length && parts.size() < 2; i++) {
      if (amounts[i] > 0) {
        parts.add(plural(amounts[i], units[i][0], units[i][1]));
      }
    }
    return parts.isEmpty() ? "0 seconds" : String.join(" ", parts);
  }

  private static String plural(long count, String one, String many) {
    return count + " " + (count == 1 ? one : many);
  }
}
