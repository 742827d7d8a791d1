package dev.restoreflow.activities.config;

import dev.restoreflow.workflows.model.ApprovalPolicy;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether an instance's restores wait for a person's approval after PlanRestore
 * ({@code instances.N.approval}), and how long.
 *
 * @param required every restore over the instance waits (a request may also ask for it; clones
 *     and drills wait only when their request asks)
 * @param timeout how long a job waits before it ends REJECTED: "90s", "30m", "2h", "1d"; null = 1h
 */
public record ApprovalConfig(Boolean required, String timeout) {

  private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,5})([smhd])");

  /**
   * The timeout in seconds.
   *
   * @throws IllegalArgumentException when {@code timeout} is not of the form "30m"
   */
  public long timeoutSeconds() {
    if (timeout == null) {
      return ApprovalPolicy.DEFAULT_TIMEOUT_SECONDS;
    }
    Matcher m = DURATION.matcher(timeout);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + timeout + "' is not a duration: write e.g. \"90s\","
          + " \"30m\", \"2h\" or \"1d\"");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> n;
      case "m" -> n * 60;
      case "h" -> n * 3600;
      default -> n * 86400;
    };
  }
}
