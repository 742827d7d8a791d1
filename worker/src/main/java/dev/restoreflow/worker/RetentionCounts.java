package dev.restoreflow.worker;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.workflows.model.RetentionRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --daily/--weekly/--monthly/--full}: counts that replace the instance's configured ones
 * for a retention run (restoreflow retention) or for every firing of a retention schedule.
 */
final class RetentionCounts {

  static final String FOR_RETENTION = "--daily, --weekly, --monthly and --full are for retention"
      + " schedules (--kind retention)";

  @Option(names = "--daily", description = "retention: days that keep their newest daily backup")
  Integer daily;

  @Option(names = "--weekly", description = "retention: Sundays that keep their newest backup")
  Integer weekly;

  @Option(names = "--monthly",
      description = "retention: 1sts of a month that keep their newest backup")
  Integer monthly;

  @Option(names = "--full", description = "retention: newest full backups kept")
  Integer full;

  boolean given() {
    return daily != null || weekly != null || monthly != null || full != null;
  }

  /**
   * A dry run of the instance's policy with these counts.
   *
   * @throws IllegalArgumentException for a count out of range, before Temporal is asked
   */
  RetentionRequest request(InstanceConfig configured, String instance) {
    configured.retention().policy(daily, weekly, monthly, full);
    return RetentionRequest.dryRun(instance).withCounts(daily, weekly, monthly, full);
  }

  /** "daily 1, full 1; the rest from the config", or "the config's policy". */
  String describe() {
    List<String> given = new ArrayList<>();
    add(given, "daily", daily);
    add(given, "weekly", weekly);
    add(given, "monthly", monthly);
    add(given, "full", full);
    return given.isEmpty() ? "the config's policy"
        : String.join(", ", given) + (given.size() < 4 ? "; the rest from the config" : "");
  }

  private static void add(List<String> given, String name, Integer count) {
    if (count != null) {
      given.add(name + " " + count);
    }
  }
}
