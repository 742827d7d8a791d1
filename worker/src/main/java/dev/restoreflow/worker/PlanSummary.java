package dev.restoreflow.worker;

import dev.restoreflow.workflows.model.RestorePlan;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A plan's RPO and RTO, and a job's measured restore time, in the words a person reads before
 * and after a restore: "RPO: restores to 2026-11-30 09:02:11Z, loses 10 min 3 s of commits
 * (newest 09:12:14Z)", "RTO: about 4 min (median of 3 restores of main1: ...)".
 */
public final class PlanSummary {

  private static final DateTimeFormatter DAY_AND_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private PlanSummary() {}

  /** The RPO and RTO lines of a plan (with the RPO's basis); none without a plan. */
  public static List<String> lines(RestorePlan plan) {
    List<String> lines = new ArrayList<>();
    if (plan == null) {
      return lines;
    }
    lines.add(rpo(plan));
    if (plan.rpoBasis() != null) {
      lines.add("     " + plan.rpoBasis());
    }
    lines.add(rto(plan));
    return lines;
  }

  /**
   * What a person following a job reads when it stops for approval: the plan (what the restore
   * destroys, loses and takes) and how to answer.
   */
  public static List<String> awaitingApproval(String jobId, RestorePlan plan) {
    List<String> lines = new ArrayList<>();
    lines.add("  waiting for approval before anything is touched:");
    if (plan != null) {
      lines.add("    restores backup " + plan.backupId() + " of " + plan.instance() + " on "
          + plan.host() + (plan.pgdata() == null ? "" : ", replacing " + plan.pgdata())
          + " (" + Bytes.human(plan.dataBytes()) + ")");
      lines(plan).forEach(line -> lines.add("    " + line));
    }
    lines.add("    answer: restoreflow approve " + jobId + "   (or: restoreflow approve " + jobId
        + " --reject --reason ...)");
    return lines;
  }

  /** "RPO: restores to ..., loses ... of commits (newest ...)"; null without a plan. */
  public static String rpo(RestorePlan plan) {
    if (plan == null) {
      return null;
    }
    Instant backup = instant(plan.backupTime());
    if (backup == null) {
      return "RPO: not known (what the restore brings back to has no known time)";
    }
    StringBuilder line = new StringBuilder("RPO: restores to ").append(DAY_AND_TIME.format(backup));
    Long loss = plan.dataLossSeconds();
    if (loss == null) {
      return line.append("; how much that loses is not known").toString();
    }
    line.append(loss == 0 ? ", loses no commits" : ", loses " + duration(loss) + " of commits");
    Instant newest = instant(plan.newestTransactionTime());
    if (newest != null) {
      boolean sameDay = DAY_AND_TIME.format(newest).substring(0, 10)
          .equals(DAY_AND_TIME.format(backup).substring(0, 10));
      line.append(" (newest ").append(sameDay ? TIME.format(newest) : DAY_AND_TIME.format(newest))
          .append(')');
    }
    return line.toString();
  }

  /** "RTO: about 4 min (basis)", "RTO: no history"; null without a plan. */
  public static String rto(RestorePlan plan) {
    if (plan == null) {
      return null;
    }
    if (plan.estimatedSeconds() == null) {
      return "RTO: " + (plan.estimateBasis() == null ? "not estimated" : plan.estimateBasis());
    }
    return "RTO: about " + about(plan.estimatedSeconds())
        + (plan.estimateBasis() == null ? "" : " (" + plan.estimateBasis() + ")");
  }

  /** "restored in 3 min 12 s" from a measured time; null when there is none. */
  public static String measured(Long restoreMillis) {
    return restoreMillis == null ? null
        : "restored in " + duration(Math.round(restoreMillis / 1000.0));
  }

  /** Exact: "42 s", "10 min 3 s", "2 h 5 min 0 s". */
  static String duration(long seconds) {
    long h = seconds / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    if (h > 0) {
      return h + " h " + m + " min " + s + " s";
    }
    return m > 0 ? m + " min " + s + " s" : s + " s";
  }

  /** Rounded for an estimate: "40 s", "4 min", "2 h 10 min". */
  static String about(long seconds) {
    if (seconds < 60) {
      return seconds + " s";
    }
    long minutes = Math.round(seconds / 60.0);
    return minutes < 60 ? minutes + " min"
        : minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
  }

  private static Instant instant(String iso) {
    if (iso == null) {
      return null;
    }
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
