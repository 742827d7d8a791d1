package dev.restoreflow.activities.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.restoreflow.activities.retention.RetentionPolicy;
import java.time.ZoneId;

/**
 * An instance's retention policy ({@code instances.N.retention}): how many backups each category
 * keeps (see {@link dev.restoreflow.activities.retention.Retention}), and the time zone that
 * tells a backup's day. Absent counts are the seed's defaults: daily 7, weekly 4, monthly 12,
 * full 3.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetentionConfig(Integer daily, Integer weekly, Integer monthly, Integer full,
    String timeZone) {

  public static RetentionConfig defaults() {
    return new RetentionConfig(null, null, null, null, null);
  }

  /**
   * The policy, with {@code daily} ... {@code full} instead of the config's where not null.
   *
   * @throws IllegalArgumentException naming the setting out of range
   */
  public RetentionPolicy policy(Integer daily, Integer weekly, Integer monthly, Integer full) {
    RetentionPolicy d = RetentionPolicy.defaults();
    return new RetentionPolicy(first(daily, this.daily, d.daily()),
        first(weekly, this.weekly, d.weekly()), first(monthly, this.monthly, d.monthly()),
        first(full, this.full, d.full()));
  }

  /** @throws java.time.DateTimeException for a zone Java does not know */
  public ZoneId zone() {
    return timeZone == null ? ZoneId.of("UTC") : ZoneId.of(timeZone);
  }

  private static int first(Integer asked, Integer configured, int fallback) {
    return asked != null ? asked : configured != null ? configured : fallback;
  }
}
