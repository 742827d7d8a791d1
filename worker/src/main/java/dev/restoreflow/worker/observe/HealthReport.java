package dev.restoreflow.worker.observe;

import java.util.List;

/**
 * The answer of {@code /healthz} or {@code /readyz}: ok when every check is; each check names
 * what it looked at and says what it found (or what to do).
 */
public record HealthReport(boolean ok, List<Check> checks) {

  public record Check(String name, boolean ok, String detail) {}

  public HealthReport {
    checks = List.copyOf(checks);
  }

  public static HealthReport of(List<Check> checks) {
    return new HealthReport(checks.stream().allMatch(Check::ok), checks);
  }

  /** The HTTP status to answer with: 200 when ok, else 503 (the body is this record as JSON). */
  public int httpStatus() {
    return ok ? 200 : 503;
  }
}
