package dev.restoreflow.activities.steps;

import dev.restoreflow.activities.engine.RecoveryTargets;
import dev.restoreflow.workflows.model.RecoveryTarget;
import dev.restoreflow.workflows.model.RestorePlan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The RPO of a plan: what the restore brings back to (the recovery target's time, or the chosen
 * backup's end) against how new the instance's data is now ({@link NewestData}), in seconds and
 * in words. Pure: the clock is the only "now".
 */
public final class RpoReckoning {

  private final Clock clock;

  public RpoReckoning(Clock clock) {
    this.clock = clock;
  }

  /** The plan with its RPO. */
  public RestorePlan apply(RestorePlan plan, RecoveryTarget target, NewestData newest) {
    Instant now = clock.instant();
    BackupPoint point = backupPoint(plan, target);
    Instant reference = switch (newest.kind()) {
      case NEWEST_COMMIT, STOPPED_AT_CHECKPOINT -> newest.at();
      case RUNNING_NO_COMMIT_RECORDED, RUNNING_UNTRACKED, RUNNING_UNREADABLE, SERVER_RUNNING -> now;
      case UNKNOWN -> null;
    };
    Instant newestTransaction = newest.kind() == NewestData.Kind.STOPPED_AT_CHECKPOINT
        || newest.kind() == NewestData.Kind.UNKNOWN ? null : reference;
    Long loss = point.at() == null || reference == null ? null
        : Math.max(0, Math.round(Duration.between(point.at(), reference).toMillis() / 1000.0));
    String basis = point.words() + "; " + newestWords(newest);
    return plan.withRpo(iso(point.at()), iso(newestTransaction), loss, basis);
  }

  /** What the restore brings back to, and how that is known. */
  private record BackupPoint(Instant at, String words) {}

  private static BackupPoint backupPoint(RestorePlan plan, RecoveryTarget target) {
    Instant backupEnd = parse(plan.recoveryTime());
    if (target != null && target.time() != null) {
      return new BackupPoint(parse(target.time()), "restores to the recovery target time");
    }
    if (target != null && !target.isEmpty()) {
      String kind = target.lsn() != null ? "lsn " + target.lsn()
          : target.xid() != null ? "xid " + target.xid() : "name " + target.name();
      return new BackupPoint(backupEnd, backupEnd == null
          ? "recovery target " + kind + ": its time is known only after replay, and the"
              + " backup's end time is not known"
          : "recovery target " + kind + ": its time is known only after replay; reckoned from"
              + " the backup's end, so the loss is at most this");
    }
    return new BackupPoint(backupEnd, backupEnd == null ? "the backup's end time is not known"
        : "restores to the backup's end (consistency) time");
  }

  private static String newestWords(NewestData newest) {
    return switch (newest.kind()) {
      case NEWEST_COMMIT -> "cluster running, its newest commit (track_commit_timestamp on)";
      case RUNNING_NO_COMMIT_RECORDED -> "cluster running, no commit since it started (or since"
          + " track_commit_timestamp was turned on): reckoned to now";
      case RUNNING_UNTRACKED -> "cluster running, track_commit_timestamp off: reckoned to now";
      case RUNNING_UNREADABLE -> "cluster running, its newest commit not readable ("
          + newest.note() + "): reckoned to now";
      case SERVER_RUNNING -> "server running: reckoned to now";
      case STOPPED_AT_CHECKPOINT -> "cluster not running: its data is as of its latest"
          + " checkpoint, " + iso(newest.at()) + " (pg_controldata)";
      case UNKNOWN -> "cluster not running, and how new its data is is not known ("
          + newest.note() + ")";
    };
  }

  /** An ISO-8601 instant, or PostgreSQL's and pg_probackup's "2026-11-30 09:02:11+00". */
  static Instant parse(String time) {
    if (time == null || time.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(time.trim());
    } catch (DateTimeParseException notIso) {
      try {
        return RecoveryTargets.parseTime(time);
      } catch (IllegalArgumentException unreadable) {
        return null;
      }
    }
  }

  private static String iso(Instant at) {
    return at == null ? null : at.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
