package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.PlannedStep;
import java.util.List;
import java.util.Set;

/**
 * Names of the steps every engine shares, as the Temporal UI shows the activities. The engine's
 * own restore step (ProbackupRestore, FetchS3, ...) is named by its plan.
 */
public final class Steps {
  public static final String PLAN = "PlanRestore";
  public static final String STOP = "StopCluster";
  public static final String WIPE = "WipeData";
  public static final String START = "StartCluster";
  public static final String PROMOTE = "Promote";
  public static final String VERIFY = "VerifyCluster";
  /** After a restore has succeeded: the old data WipeData moved aside is deleted. */
  public static final String DISCARD = "DiscardOldData";
  /** A drill's checks of its scratch target: amcheck, row counts. */
  public static final String PROVE = "ProveRestore";
  /** A drill's end: the scratch cluster stopped and deleted. */
  public static final String REMOVE_SCRATCH = "RemoveScratch";

  public static final String PLAN_BACKUP = "PlanBackup";
  public static final String TAKE_BACKUP = "TakeBackup";
  public static final String VERIFY_BACKUP = "VerifyBackup";

  public static final String PLAN_RETENTION = "PlanRetention";
  public static final String APPLY_RETENTION = "ApplyRetention";

  /** Why an incremental restore shows WipeData as skipped. */
  public static final String KEEPS_DATA = "incremental restore keeps the data directory";
  /** Why a pgBackRest restore (delta unless a full one is asked for) shows WipeData as skipped. */
  public static final String DELTA_KEEPS_DATA = "delta restore keeps the data directory";

  /**
   * A restore through {@code restoreStep}: PlanRestore, StopCluster, WipeData (skipped when
   * {@code incremental}), the engine's restore step, StartCluster, Promote, VerifyCluster.
   */
  public static List<PlannedStep> restore(String restoreStep, boolean incremental) {
    return incremental ? restoreKeepingData(restoreStep, KEEPS_DATA)
        : restore(restoreStep, PlannedStep.run(WIPE));
  }

  /** The same restore with WipeData shown as skipped, {@code why}. */
  public static List<PlannedStep> restoreKeepingData(String restoreStep, String why) {
    return restore(restoreStep, PlannedStep.skip(WIPE, why));
  }

  private static List<PlannedStep> restore(String restoreStep, PlannedStep wipe) {
    return List.of(PlannedStep.run(PLAN), PlannedStep.run(STOP), wipe,
        PlannedStep.run(restoreStep), PlannedStep.run(START), PlannedStep.run(PROMOTE),
        PlannedStep.run(VERIFY));
  }

  /** The steps that take minutes, not hours; the others are an engine's restore step and TakeBackup. */
  public static final Set<String> SHORT_STEPS =
      Set.of(PLAN, STOP, WIPE, START, PROMOTE, VERIFY, PLAN_BACKUP, VERIFY_BACKUP,
          PLAN_RETENTION);

  public static final List<String> BACKUP_STEPS = List.of(PLAN_BACKUP, TAKE_BACKUP, VERIFY_BACKUP);

  public static final List<String> RETENTION_STEPS = List.of(PLAN_RETENTION, APPLY_RETENTION);

  private Steps() {}
}
