package dev.restoreflow.activities.exec;

import java.time.Duration;
import java.util.List;

/**
 * Ends a whole process group — a command and every process it started — on this machine or on
 * a database host: SIGTERM to the group, then SIGKILL if any member is left after the grace
 * period. Killing only the command's own process would leave its children running (a shell's
 * {@code find -delete}, a {@code pg_ctl}), overlapping the next attempt.
 */
final class ProcessGroupKill {

  static final Duration GRACE = Duration.ofSeconds(5);

  /** Exit code of the script when SIGTERM was not enough and the group got SIGKILL. */
  static final int KILLED = 3;

  // "kill -s SIG -- -PGID" is the spelling both dash and bash accept for a process group
  private static final String SCRIPT = """
      kill -s TERM -- "-$1" 2>/dev/null || exit 0
      i=0
      while [ "$i" -lt "$2" ]; do
        kill -s 0 -- "-$1" 2>/dev/null || exit 0
        sleep 0.1
        i=$((i + 1))
      done
      kill -s KILL -- "-$1" 2>/dev/null
      exit 3
      """;

  private ProcessGroupKill() {}

  /** The argv that ends process group {@code pgid}; exits 0, or {@link #KILLED}. */
  static List<String> argv(long pgid) {
    if (pgid <= 1) {
      throw new IllegalArgumentException("not a process group of a command: " + pgid);
    }
    return List.of("sh", "-c", SCRIPT, "sh", String.valueOf(pgid),
        String.valueOf(GRACE.toMillis() / 100));
  }

  /** For the log: how the group ended, from the script's exit code. */
  static String outcome(int exitCode) {
    return switch (exitCode) {
      case 0 -> "ended on SIGTERM";
      case KILLED -> "killed (SIGKILL) after " + GRACE.toSeconds() + " s";
      default -> "kill script exited " + exitCode;
    };
  }
}
