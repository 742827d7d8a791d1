package dev.restoreflow.worker;

import java.util.Map;

/**
 * What a running step's heartbeat says, for people: bytes done of bytes total when the step knows
 * them (the contract's {@code bytesDone}, {@code bytesTotal}), a byte count that grows (for the
 * rate when there is no total), and otherwise the step's own words (files %, pgBackRest's keys,
 * a backup's last line). Pure: details in, text out.
 *
 * @param bytesDone bytes done; 0 when unknown
 * @param bytesTotal bytes in all; 0 when unknown
 * @param counted a byte count that grows while the step works (bytesDone, or FetchS3's
 *     {@code downloaded}); 0 when none
 * @param text the step's own words when there is no total, else null
 */
record StepBeat(long bytesDone, long bytesTotal, long counted, String text) {

  /** The total known (and so what is done of it, 0 at first): a bar, percent and an ETA. */
  boolean hasBytes() {
    return bytesTotal > 0 && bytesDone >= 0;
  }

  /** The heartbeat details of a pending activity (a JSON map), or null when they say nothing. */
  static StepBeat of(Map<String, Object> details) {
    if (details == null) {
      return null;
    }
    long done = number(details, "bytesDone");
    long total = number(details, "bytesTotal");
    if (total > 0 && details.get("bytesDone") instanceof Number) {
      return new StepBeat(done, total, done, null);
    }
    if (details.get("filesTotal") instanceof Number files && files.longValue() > 0) {
      return new StepBeat(0, 0, done, details.get("percent") + "% (" + details.get("filesDone")
          + "/" + files + " files, attempt " + details.get("attempt") + ")");
    }
    if (details.get("backupBytes") instanceof Number backup && backup.longValue() > 0) {
      long inDataDir = number(details, "bytesInDataDir");   // pgBackRest's restore
      return new StepBeat(0, 0, inDataDir, details.get("percent") + "% ("
          + details.get("filesWritten") + " files written, " + details.get("filesKept")
          + " kept; " + Bytes.human(inDataDir) + " in the data directory, backup "
          + Bytes.human(backup.longValue()) + ", attempt " + details.get("attempt") + ")");
    }
    if (details.get("backupId") instanceof String id) {
      return new StepBeat(0, 0, done, "backup " + id + (details.get("lastLine") instanceof String
          line && !line.isBlank() ? ": " + line : ""));
    }
    if (details.get("said") instanceof String said && !said.isBlank()) {   // pgdump, mysqltables
      return new StepBeat(0, 0, done, said + (done > 0 ? " (" + Bytes.human(done) + " done)"
          : ""));
    }
    long downloaded = number(details, "downloaded");   // FetchS3's checkpoint
    if (downloaded > 0) {
      return new StepBeat(0, 0, downloaded, Bytes.human(downloaded) + " downloaded");
    }
    if (done > 0) {
      return new StepBeat(0, 0, done, Bytes.human(done) + " done");
    }
    return null;
  }

  private static long number(Map<String, Object> details, String key) {
    return details.get(key) instanceof Number n ? n.longValue() : 0;
  }
}
