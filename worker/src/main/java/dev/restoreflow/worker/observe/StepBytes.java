package dev.restoreflow.worker.observe;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes a finished step reports in its detail line, the only place the ledger keeps them:
 * TakeBackup's "<N> bytes of data" (pg_probackup) or "<N> bytes stored" (basebackup), an engine
 * restore step's "<N> bytes written" (FetchS3). ProbackupRestore reports files, not bytes.
 */
final class StepBytes {

  private static final Pattern BACKED_UP = Pattern.compile("\\b(\\d+) bytes (?:of data|stored)\\b");
  private static final Pattern WRITTEN = Pattern.compile("\\b(\\d+) bytes written\\b");

  private StepBytes() {}

  /** The bytes of the backup TakeBackup made, if its detail says. */
  static OptionalLong backedUp(String detail) {
    return first(BACKED_UP, detail);
  }

  /** The bytes a restore step wrote into the data directory, if its detail says. */
  static OptionalLong written(String detail) {
    return first(WRITTEN, detail);
  }

  private static OptionalLong first(Pattern pattern, String detail) {
    if (detail == null) {
      return OptionalLong.empty();
    }
    Matcher m = pattern.matcher(detail);
    return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }
}
