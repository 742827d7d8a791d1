package dev.restoreflow.worker;

import dev.restoreflow.activities.ledger.JobRow;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code restoreflow jobs} for people: within 79 columns (job ids abbreviated as
 * {@code main1-20261~a1b2c3}, the host and who asked left out) unless wide; state words in colour
 * when the {@link Style} has it. Pure: rows in, lines out.
 */
final class JobsTable {

  /** An abbreviated job id is at most this long; {@code restoreflow job} takes it as well. */
  static final int ID = 18;
  static final String CUT = "~";
  private static final int TAIL = 6;
  private static final DateTimeFormatter SHORT_TIME =
      DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneId.systemDefault());
  private static final Set<String> GOOD = Set.of("SUCCEEDED", "PLANNED");
  private static final Set<String> BAD = Set.of("FAILED", "REJECTED", "CANCELLED", "TERMINATED",
      "TIMED_OUT", "LOST");
  private static final Set<String> UNDER_WAY =
      Set.of("RUNNING", "QUEUED", "RESOLVING", "AWAITING_APPROVAL");

  private JobsTable() {}

  static List<String> lines(List<JobRow> rows, boolean wide, Style style) {
    List<String> lines = new ArrayList<>();
    if (wide) {
      String format = "%-36s %-9s %-10s %-8s %s %-19s %-17s %s";
      lines.add(String.format(format, "JOB", "KIND", "INSTANCE", "HOST", pad("STATUS", 17),
          "CREATED", "STEP", "VIA"));
      for (JobRow r : rows) {
        lines.add(String.format(format, r.jobId(), r.kind(), r.instance(), r.host(),
            state(r.status(), 17, style), JobsCommand.TIME.format(
                Instant.ofEpochMilli(r.createdAt())), orDash(r.currentStep()),
            r.requestedVia()).stripTrailing());
      }
      return lines;
    }
    String format = "%-18s %-9s %-10s %s %-11s %s";   // 79 columns at most
    lines.add(String.format(format, "JOB", "KIND", "INSTANCE", pad("STATE", 10), "CREATED",
        "STEP"));
    for (JobRow r : rows) {
      String status = "AWAITING_APPROVAL".equals(r.status()) ? "AWAITING" : r.status();
      lines.add(String.format(format, abbreviate(r.jobId()), cut(r.kind(), 9),
          cut(r.instance(), 10), paint(pad(cut(status, 10), 10), r.status(), style),
          SHORT_TIME.format(Instant.ofEpochMilli(r.createdAt())),
          cut(orDash(r.currentStep()), 16)).stripTrailing());
    }
    return lines;
  }

  /** {@code main1-20261130-121800-a1b2c3} as {@code main1-20261~a1b2c3}; short ids as they are. */
  static String abbreviate(String jobId) {
    if (jobId == null || jobId.length() <= ID) {
      return jobId;
    }
    return jobId.substring(0, ID - TAIL - CUT.length()) + CUT
        + jobId.substring(jobId.length() - TAIL);
  }

  /** Whether {@code jobId} is what {@link #abbreviate} makes of it, or the id itself. */
  static boolean matches(String shown, String jobId) {
    int cut = shown.indexOf(CUT);
    if (cut < 0) {
      return shown.equals(jobId);
    }
    String head = shown.substring(0, cut);
    String tail = shown.substring(cut + CUT.length());
    return jobId.length() >= head.length() + tail.length() && jobId.startsWith(head)
        && jobId.endsWith(tail);
  }

  private static String state(String status, int width, Style style) {
    return paint(pad(status, width), status, style);
  }

  /** Colour after padding: the escape codes take no column. */
  private static String paint(String padded, String status, Style style) {
    if (GOOD.contains(status)) {
      return style.good(padded);
    }
    if (BAD.contains(status)) {
      return style.bad(padded);
    }
    if (UNDER_WAY.contains(status)) {
      return style.warn(padded);
    }
    return padded;
  }

  private static String pad(String text, int width) {
    return String.format("%-" + width + "s", text == null ? "-" : text);
  }

  private static String cut(String text, int width) {
    if (text == null) {
      return "-";
    }
    return text.length() <= width ? text : text.substring(0, width - 1) + CUT;
  }

  private static String orDash(String text) {
    return text == null ? "-" : text;
  }
}
