package dev.restoreflow.activities.pgbackrest;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file of a backup as pgBackRest 2.45 reports it at {@code --log-level-console=detail}
 * (src/command/backup/backup.c, backupJobResult):
 * <pre>
 * P00 DETAIL: backup file /pg/base/5/1249 (448KB, 19.10%) checksum ed99...
 * P00 DETAIL: backup file /pg/base/5/1247 (bundle 1/8192, 8KB, 19.35%) checksum 0c1f...
 * P00 DETAIL: match file from prior backup /pg/base/5/1259 (96KB, 20.01%) checksum 3a8c...
 * P00 DETAIL: checksum resumed file /pg/base/5/2608 (64KB, 21.40%) checksum 77d0...
 * </pre>
 * The percent is pgBackRest's own: the bytes of the files this backup processes (all of them
 * for a full, the changed ones for a diff or incr) done so far, of their total, rounded down to
 * a hundredth. The size is pgBackRest's rounded form (exact below 1 KB, otherwise to a tenth of a
 * KB, MB or GB).
 */
record BackedUpFileLine(String path, long bytes, double percent) {

  private static final Pattern LINE = Pattern.compile(
      "DETAIL: (?:backup file|match file from prior backup|checksum resumed file) (.+?)"
          + " \\((?:bundle \\d+/\\d+, )?(\\d+(?:\\.\\d+)?)(B|KB|MB|GB|TB|PB),"
          + " (\\d+(?:\\.\\d+)?)%\\)");

  /** The file a line reports, or empty for every other line. */
  static Optional<BackedUpFileLine> parse(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(new BackedUpFileLine(m.group(1), RestoredFileLine.bytes(Double.parseDouble(m.group(2)),
        m.group(3)), Double.parseDouble(m.group(4))));
  }
}
