package dev.restoreflow.workflows;

import java.util.Locale;

/**
 * Sizes for people: {@code 25.7 MiB}, {@code 76.3 GiB}. Raw byte counts stay in JSON and in the
 * progress query's fields; whatever a person reads (CLI, step details, gateway status, the
 * Temporal UI's summaries) says sizes this way. Pure: safe in workflow code.
 */
public final class Sizes {

  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  private Sizes() {}

  /** {@code 0 B}, {@code 512 B}, {@code 1.0 KiB}, {@code 25.7 MiB}; negative: "-". */
  public static String human(long bytes) {
    if (bytes < 0) {
      return "-";
    }
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }
}
