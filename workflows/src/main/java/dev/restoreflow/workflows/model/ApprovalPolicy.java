package dev.restoreflow.workflows.model;

/**
 * Whether a restore waits for a person's approval after PlanRestore, before anything is touched,
 * and for how long before it ends REJECTED.
 */
public record ApprovalPolicy(boolean required, long timeoutSeconds) {

  public static final long DEFAULT_TIMEOUT_SECONDS = 3600;

  public static ApprovalPolicy none() {
    return new ApprovalPolicy(false, 0);
  }
}
