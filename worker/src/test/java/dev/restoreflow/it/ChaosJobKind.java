package dev.restoreflow.it;

import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import java.util.List;
import java.util.Set;

/** The jobs a chaos run cycles through, in this order. */
enum ChaosJobKind {
  PROBACKUP_FULL("pb full restore", ChaosRig.PB, ProbackupActivities.RESTORE_STEP),
  PROBACKUP_INCREMENTAL("pb incr restore", ChaosRig.PB, ProbackupActivities.RESTORE_STEP),
  BASEBACKUP_FULL("bb full restore", ChaosRig.BB, BaseBackupActivities.FETCH_STEP),
  PROBACKUP_BACKUP("pb backup", ChaosRig.PB, Steps.TAKE_BACKUP),
  BASEBACKUP_BACKUP("bb backup", ChaosRig.BB, Steps.TAKE_BACKUP);

  /** The steps during which PostgreSQL must not run on the instance's data directory. */
  static final Set<String> WRITING_STEPS = Set.of(Steps.WIPE, ProbackupActivities.RESTORE_STEP,
      BaseBackupActivities.FETCH_STEP);

  final String label;
  final String instance;
  /** The step the rig slows down, so that kills have a window. */
  final String slowStep;

  ChaosJobKind(String label, String instance, String slowStep) {
    this.label = label;
    this.instance = instance;
    this.slowStep = slowStep;
  }

  boolean isBackup() {
    return this == PROBACKUP_BACKUP || this == BASEBACKUP_BACKUP;
  }

  boolean isIncremental() {
    return this == PROBACKUP_INCREMENTAL;
  }

  /** The kind of the {@code index}-th job (0-based). */
  static ChaosJobKind ofJob(int index) {
    return values()[index % values().length];
  }

  /** The kinds the first {@code jobs} jobs use. */
  static List<ChaosJobKind> used(int jobs) {
    return List.of(values()).subList(0, Math.min(jobs, values().length));
  }
}
