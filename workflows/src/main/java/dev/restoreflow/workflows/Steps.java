package dev.restoreflow.workflows;

import java.util.List;

/** Step names, as the Temporal UI shows the activities. */
public final class Steps {
  public static final String PLAN = "PlanRestore";
  public static final String STOP = "StopCluster";
  public static final String WIPE = "WipeData";
  public static final String RESTORE = "ProbackupRestore";
  public static final String FETCH = "FetchS3";
  public static final String START = "StartCluster";
  public static final String PROMOTE = "Promote";
  public static final String VERIFY = "VerifyCluster";

  public static final List<String> RESTORE_STEPS =
      List.of(PLAN, STOP, WIPE, RESTORE, START, PROMOTE, VERIFY);

  /** A basebackup restore: FetchS3 instead of ProbackupRestore. */
  public static final List<String> BASEBACKUP_STEPS =
      List.of(PLAN, STOP, WIPE, FETCH, START, PROMOTE, VERIFY);

  public static List<String> forEngine(String engine) {
    return "basebackup".equals(engine) ? BASEBACKUP_STEPS : RESTORE_STEPS;
  }

  private Steps() {}
}
