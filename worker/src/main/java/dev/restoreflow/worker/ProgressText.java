package dev.restoreflow.worker;

import dev.restoreflow.workflows.Sizes;
import java.time.Duration;

/**
 * The running step's progress line for people, within 79 columns:
 * {@code   FetchS3           [####------]  42% 10.8 MiB/25.7 MiB 3.1 MiB/s ETA 0:05}, or the step's
 * own words when it does not know its bytes. Pure: no control characters, no clock.
 */
final class ProgressText {

  /** A terminal's line is at most this long, so that {@code \r} rewrites it in place. */
  static final int WIDTH = 79;
  private static final int BAR = 10;

  private ProgressText() {}

  static String line(String step, StepBeat beat, double bytesPerSecond, Duration eta) {
    String line = line(step, beat, bytesPerSecond, eta, true);
    // huge sizes and rates with a long ETA: the bar gives way to the numbers
    return line.length() <= WIDTH ? line : fit(line(step, beat, bytesPerSecond, eta, false));
  }

  private static String line(String step, StepBeat beat, double bytesPerSecond, Duration eta,
      boolean withBar) {
    StringBuilder line = new StringBuilder(String.format("  %-17s ", step));
    if (beat == null) {
      line.append("running ...");
    } else if (beat.hasBytes()) {
      int percent = percent(beat.bytesDone(), beat.bytesTotal());
      line.append(withBar ? bar(beat.bytesDone(), beat.bytesTotal()) + " " : "")
          .append(String.format("%3d%% ", percent)).append(Sizes.human(beat.bytesDone())).append('/')
          .append(Sizes.human(beat.bytesTotal()));
      if (bytesPerSecond > 0) {
        line.append(' ').append(rate(bytesPerSecond));
      }
      if (eta != null) {
        line.append(" ETA ").append(eta(eta));
      }
    } else {
      line.append(beat.text());
      if (bytesPerSecond > 0) {
        line.append(", ").append(rate(bytesPerSecond));
      }
    }
    return line.toString();
  }

  /** 0-100, rounded down: 100 only when all is done. */
  static int percent(long done, long total) {
    if (total <= 0) {
      return 0;
    }
    return (int) Math.min(100, Math.max(0, done * 100 / total));
  }

  static String bar(long done, long total) {
    int filled = (int) Math.min(BAR, Math.max(0, total <= 0 ? 0 : done * BAR / total));
    return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "]";
  }

  static String rate(double bytesPerSecond) {
    return Sizes.human(Math.round(bytesPerSecond)) + "/s";
  }

  /** {@code 0:05}, {@code 12:34}, {@code 1:02:03}; over 99 hours {@code >99 h}. */
  static String eta(Duration left) {
    long s = Math.max(0, left.toSeconds());
    if (s >= 100 * 3600) {
      return ">99 h";
    }
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format("%d:%02d", s / 60, s % 60);
  }

  /** At most {@link #WIDTH} characters: longer text ends in "...". */
  static String fit(String line) {
    return line.length() <= WIDTH ? line : line.substring(0, WIDTH - 3) + "...";
  }
}
