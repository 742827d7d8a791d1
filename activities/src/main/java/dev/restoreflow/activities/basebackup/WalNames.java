package dev.restoreflow.activities.basebackup;

import java.util.regex.Pattern;

/** WAL segment names from LSNs (16 MiB segments, PostgreSQL's default). */
public final class WalNames {

  private static final Pattern LSN = Pattern.compile("([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})");
  private static final long SEGMENT = 16L << 20;
  private static final Pattern SEGMENT_NAME = Pattern.compile("[0-9A-F]{24}");
  private static final Pattern HISTORY_NAME = Pattern.compile("[0-9A-F]{8}\\.history");

  private WalNames() {}

  /** The segment holding {@code lsn} on {@code timeline}, e.g. 000000010000000000000003. */
  public static String segmentOf(int timeline, String lsn) {
    long position = parse(lsn);
    long segment = position / SEGMENT;
    long segmentsPerId = 0x100000000L / SEGMENT;
    return String.format("%08X%08X%08X", timeline, segment / segmentsPerId, segment % segmentsPerId);
  }

  /** A WAL segment's file name: 24 upper-case hex digits (timeline, log, segment). */
  public static boolean isSegment(String name) {
    return SEGMENT_NAME.matcher(name).matches();
  }

  /** A timeline history file's name, e.g. 00000002.history. */
  public static boolean isHistory(String name) {
    return HISTORY_NAME.matcher(name).matches();
  }

  public static long parse(String lsn) {
    var m = LSN.matcher(lsn == null ? "" : lsn.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + lsn + "' is not an LSN like 0/3000060");
    }
    return (Long.parseLong(m.group(1), 16) << 32) | Long.parseLong(m.group(2), 16);
  }
}
