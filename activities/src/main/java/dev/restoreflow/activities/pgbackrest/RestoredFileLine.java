package dev.restoreflow.activities.pgbackrest;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file of a restore as pgBackRest 2.45 reports it at {@code --log-level-console=detail}:
 * <pre>
 * P01 DETAIL: restore file /pg/base/5/1249 (448KB, 19.10%) checksum ed99...
 * P01 DETAIL: restore file /pg/base/4/1255 - exists and matches backup (768KB, 6.84%) checksum ...
 * </pre>
 * The percent is how much of the backup's files (by size) the restore has done so far. The size
 * is pgBackRest's rounded form (bytes exact below 1 KB, otherwise to a tenth of a KB, MB or GB), so
 * the bytes counted from these lines are close, not exact.
 *
 * @param kept whether the file was already right in the data directory (a delta restore checked
 *     it and left it); otherwise pgBackRest wrote it
 */
record RestoredFileLine(String path, boolean kept, long bytes, double percent) {

  private static final Pattern LINE = Pattern.compile(
      "DETAIL: restore (?:zeroed )?file (.+?)(?: - ([^(]*))? \\((\\d+(?:\\.\\d+)?)(B|KB|MB|GB|TB|PB),"
          + " (\\d+(?:\\.\\d+)?)%\\)");

  /** The file a line reports, or empty for every other line. */
  static Optional<RestoredFileLine> parse(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    String outcome = m.group(2) == null ? "" : m.group(2);
    boolean kept = outcome.startsWith("exists and");
    long bytes = bytes(Double.parseDouble(m.group(3)), m.group(4));
    return Optional.of(new RestoredFileLine(m.group(1), kept, bytes,
        Double.parseDouble(m.group(5))));
  }

  /** pgBackRest's sizes ({@code 8KB}, {@code 1.5MB}: powers of 1024) in bytes. */
  static long bytes(double amount, String unit) {
    int power = switch (unit) {
      case "B" -> 0;
      case "KB" -> 1;
      case "MB" -> 2;
      case "GB" -> 3;
      case "TB" -> 4;
      default -> 5;
    };
    return Math.round(amount * Math.pow(1024, power));
  }
}
