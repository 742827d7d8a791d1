package dev.restoreflow.activities.steps;

import java.time.Instant;

/**
 * What the instance's own cluster (or server) says about how new its data is, for the RPO.
 *
 * @param kind how {@code at} was found
 * @param at the newest commit, or the checkpoint's time; null for the kinds reckoned to now, and
 *     when unknown
 * @param note why it is not better known (a command's error), for the basis; may be null
 */
public record NewestData(Kind kind, Instant at, String note) {

  public enum Kind {
    /** Running, track_commit_timestamp on: {@code at} is pg_last_committed_xact(). */
    NEWEST_COMMIT,
    /**
     * Running, track_commit_timestamp on, but no commit since the server started (PostgreSQL
     * keeps the newest commit in memory) or since the setting was turned on.
     */
    RUNNING_NO_COMMIT_RECORDED,
    /** Running, track_commit_timestamp off. */
    RUNNING_UNTRACKED,
    /** Running, but the newest commit could not be read ({@code note} says why). */
    RUNNING_UNREADABLE,
    /** A server that runs while it is restored into (no data directory of restoreflow's). */
    SERVER_RUNNING,
    /** Not running: {@code at} is its latest checkpoint (pg_controldata). */
    STOPPED_AT_CHECKPOINT,
    /** Neither running nor readable ({@code note} says why). */
    UNKNOWN
  }

  public static NewestData commit(Instant at) {
    return new NewestData(Kind.NEWEST_COMMIT, at, null);
  }

  public static NewestData of(Kind kind) {
    return new NewestData(kind, null, null);
  }

  public static NewestData checkpoint(Instant at) {
    return new NewestData(Kind.STOPPED_AT_CHECKPOINT, at, null);
  }

  public static NewestData unreadable(String why) {
    return new NewestData(Kind.RUNNING_UNREADABLE, null, why);
  }

  public static NewestData unknown(String why) {
    return new NewestData(Kind.UNKNOWN, null, why);
  }
}
