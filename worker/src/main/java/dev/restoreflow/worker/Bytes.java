package dev.restoreflow.worker;

import java.util.Locale;

/** Sizes for people: 25.7 MiB, 76.3 GiB. */
final class Bytes {

  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  private Bytes() {}

  static String human(long bytes) {
    if (bytes <= 0) {
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
