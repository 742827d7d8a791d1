package dev.restoreflow.activities.pgbackrest;

import dev.restoreflow.activities.engine.RecoveryTargets;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.RecoveryTarget;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which backup a restore uses: the one asked for; else, for a time or LSN target, the newest
 * valid backup that ended at or before it (the one that holds the target); else the newest valid
 * one. Valid: no error flag, and every backup it builds on still in the repository.
 *
 * @param chain from the full backup to the chosen one
 */
record RestoreChoice(BackupSet backup, List<BackupSet> chain) {

  /** A request this stanza cannot serve, with the failure type it gets. */
  static final class Refused extends RuntimeException {
    private final FailureType type;

    Refused(FailureType type, String message) {
      super(message);
      this.type = type;
    }

    FailureType type() {
      return type;
    }
  }

  static RestoreChoice of(StanzaInfo stanza, String requestedLabel, RecoveryTarget target) {
    if (stanza.backups().isEmpty()) {
      throw new Refused(FailureType.NO_VALID_BACKUP, "stanza " + stanza.stanza() + " has no"
          + " backups (pgBackRest: " + stanza.statusMessage() + "); take one first, e.g."
          + " restoreflow backup --type full");
    }
    if (requestedLabel != null) {
      BackupSet backup = stanza.backup(requestedLabel).orElseThrow(() -> new Refused(
          FailureType.BACKUP_NOT_FOUND, "backup " + requestedLabel + " is not in stanza "
              + stanza.stanza() + "; pgbackrest info lists " + stanza.backups().size()
              + " backups, newest " + stanza.backups().get(stanza.backups().size() - 1).label()));
      List<BackupSet> chain = validChain(stanza, backup).orElseThrow(() -> new Refused(
          FailureType.BACKUP_NOT_VALID, "backup " + backup.label() + " cannot be restored: "
              + (backup.error() ? "pgBackRest flagged it with errors (page checksums)"
                  : "a backup it builds on is no longer in the repository")));
      if (!holds(backup, target)) {
        throw new Refused(FailureType.BAD_RECOVERY_TARGET, "backup " + backup.label()
            + " ended at " + Instant.ofEpochSecond(backup.stopTime()) + " (LSN "
            + backup.lsnStop() + "), after the recovery target: recovery can only go forward"
            + " from a backup's end; give an older backup, or none");
      }
      return new RestoreChoice(backup, chain);
    }
    List<BackupSet> backups = stanza.backups();
    for (int i = backups.size() - 1; i >= 0; i--) {
      BackupSet backup = backups.get(i);
      Optional<List<BackupSet>> chain = validChain(stanza, backup);
      if (chain.isPresent() && holds(backup, target)) {
        return new RestoreChoice(backup, chain.get());
      }
    }
    if (target != null && !target.isEmpty()) {
      throw new Refused(FailureType.BAD_RECOVERY_TARGET, "no valid backup of stanza "
          + stanza.stanza() + " ended before the recovery target; the oldest ended at "
          + Instant.ofEpochSecond(backups.get(0).stopTime()));
    }
    throw new Refused(FailureType.NO_VALID_BACKUP, "no valid backup in stanza " + stanza.stanza()
        + " (each has the error flag or misses a backup it builds on); take a full backup");
  }

  private static Optional<List<BackupSet>> validChain(StanzaInfo stanza, BackupSet backup) {
    return stanza.chain(backup).filter(chain -> chain.stream().noneMatch(BackupSet::error));
  }

  /** Whether recovery from {@code backup} can reach the target (always, for xid and name). */
  static boolean holds(BackupSet backup, RecoveryTarget target) {
    if (target == null || target.isEmpty()) {
      return true;
    }
    if (target.time() != null) {
      // the stop time is whole seconds: a target in the backup's last second may be before its end
      return !Instant.ofEpochSecond(backup.stopTime() + 1)
          .isAfter(RecoveryTargets.parseTime(target.time()));
    }
    if (target.lsn() != null && backup.lsnStop() != null) {
      return lsn(backup.lsnStop()) <= lsn(target.lsn());
    }
    return true;
  }

  static long lsn(String lsn) {
    String[] parts = lsn.split("/");
    return (Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16);
  }
}
