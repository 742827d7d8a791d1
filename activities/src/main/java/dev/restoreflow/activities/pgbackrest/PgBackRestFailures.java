package dev.restoreflow.activities.pgbackrest;

import dev.restoreflow.activities.DiskFull;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.workflows.FailureType;
import io.temporal.failure.ApplicationFailure;

/**
 * pgBackRest's exit codes (its error codes, build/error.yaml) as typed failures. Only a lock
 * held by another pgBackRest command of the stanza, a signal and codes this table does not know
 * are tried again; the others say something a retry cannot change.
 */
final class PgBackRestFailures {

  private PgBackRestFailures() {}

  /** The failure type of an exit code. */
  static FailureType typeOf(int exitCode) {
    return switch (exitCode) {
      case 38 -> FailureType.RESTORE_REFUSED;          // PostgreSQL is running
      case 50 -> FailureType.COMMAND_FAILED;           // lock held: another command of the stanza
      case 55, 75 -> FailureType.BACKUP_NOT_VALID;     // file missing, backup set invalid
      case 56, 103, 28, 31, 32, 37 -> FailureType.CONFIG_ERROR;   // db connect, repo, options
      case 62 -> FailureType.TOOL_STOPPED;             // pgbackrest stop is in force
      case 82, 87 -> FailureType.WAL_ARCHIVING_BROKEN; // archive timeout, archive_mode off
      default -> FailureType.COMMAND_FAILED;           // 63 (a signal), 125 and the rest: retried
    };
  }

  /** What to do next, for the codes that have a clear answer. */
  static String advice(int exitCode) {
    return switch (exitCode) {
      case 38 -> "stop PostgreSQL on the data directory (or remove a stale postmaster.pid of a"
          + " server that is gone) and run the restore again";
      case 50 -> "another pgBackRest command of the stanza holds its lock; the step tries again";
      case 55, 75 -> "the backup in the repository is damaged; restore another one";
      case 56 -> "pgBackRest cannot connect to PostgreSQL: check that the cluster runs and"
          + " instances.<name>.port and pgbackrest.socketPath (or connectHost) point at it";
      case 103, 28, 31, 32, 37 -> "check the instance's pgbackrest section and the pgBackRest"
          + " config file it names";
      case 62 -> "pgbackrest stop was run for the stanza; run pgbackrest start --stanza=... when"
          + " backups and restores may run again";
      case 82 -> "WAL does not reach the stanza's archive: set archive_command = 'pgbackrest"
          + " --stanza=... archive-push %p' with the same config (whose stanza section gives"
          + " pg1-path: PostgreSQL passes a relative %p) and archive_mode = on";
      case 87 -> "archive_mode is off on the cluster (a restore by restoreflow switches it off"
          + " unless the instance sets keepArchiving): set archive_mode = on and restart it";
      default -> null;
    };
  }

  /** A failed pgBackRest command as a typed failure; a full disk is DISK_FULL whatever the code. */
  static ApplicationFailure of(String what, CommandResult result) {
    String stderr = result.stderrTail();
    String message = what + ": pgbackrest exited with " + result.exitCode() + ": "
        + lastError(stderr.isBlank() ? result.stdout() : stderr);
    if (DiskFull.saysNoSpace(stderr)) {
      return Failures.of(FailureType.DISK_FULL, message);
    }
    String advice = advice(result.exitCode());
    return Failures.of(typeOf(result.exitCode()), advice == null ? message
        : message + "; " + advice);
  }

  /** pgBackRest's "ERROR: [038]: ..." line (the last one), else the last line. */
  static String lastError(String output) {
    String[] lines = output.strip().split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      int at = lines[i].indexOf("ERROR: [");
      if (at >= 0) {
        return lines[i].substring(at).strip();
      }
    }
    return lines[lines.length - 1].strip();
  }
}
