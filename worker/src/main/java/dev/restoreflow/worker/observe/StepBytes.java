package dev.restoreflow.worker.observe;

import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes a finished step reports in its detail line, the only place the ledger keeps them
 * (the workflow records a step's detail, not its result). The convention: TakeBackup's detail
 * gives the size of what it backed up as its first "<N> bytes" (pg_probackup "<N> bytes of
 * data", basebackup "<N> bytes stored", pgBackRest "<N> bytes copied of <M>"), and an engine's
 * restore step that knows what it wrote says "<N> bytes written" (FetchS3, a full
 * ProbackupRestore, PgBackRestRestore). N may have thousands separators. Restore steps now say
 * what they wrote for people, "1.6 GiB written" ({@code Sizes.human}): that reads as 1.6 × 2^30,
 * close (within half the last digit) rather than exact; ledgers of older workers say "N bytes
 * written" and read exactly. TakeBackup's details say their size for people too, with the exact
 * count beside it ({@code BackupSizeWords}: "1.6 GiB (1,717,986,919 bytes) of data"), so that the
 * backup-bytes metric stays exact: the first "<N> bytes" is that count.
 */
final class StepBytes {

  private static final Pattern BACKED_UP = Pattern.compile("(?<![\\d,.])(\\d[\\d,]*) bytes\\b");
  private static final Pattern WRITTEN = Pattern.compile("(?<![\\d,.])(\\d[\\d,]*) bytes written\\b");
  private static final Pattern WRITTEN_HUMAN = Pattern.compile(
      "(?<![\\d,.])(\\d+(?:\\.\\d+)?) (B|KiB|MiB|GiB|TiB|PiB) written\\b");
  private static final String UNITS = "B KiB MiB GiB TiB PiB";

  private StepBytes() {}

  /** The bytes of the backup TakeBackup made, if its detail says. */
  static OptionalLong backedUp(String detail) {
    return first(BACKED_UP, detail);
  }

  /** The bytes a restore step wrote into the data directory, if its detail says. */
  static OptionalLong written(String detail) {
    OptionalLong exact = first(WRITTEN, detail);
    if (exact.isPresent() || detail == null) {
      return exact;
    }
    Matcher m = WRITTEN_HUMAN.matcher(detail);
    if (!m.find()) {
      return OptionalLong.empty();
    }
    int power = List.of(UNITS.split(" ")).indexOf(m.group(2));
    return OptionalLong.of(Math.round(Double.parseDouble(m.group(1)) * Math.pow(1024, power)));
  }

  private static OptionalLong first(Pattern pattern, String detail) {
    if (detail == null) {
      return OptionalLong.empty();
    }
    Matcher m = pattern.matcher(detail);
    return m.find() ? OptionalLong.of(Long.parseLong(m.group(1).replace(",", "")))
        : OptionalLong.empty();
  }
}
