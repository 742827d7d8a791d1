package dev.restoreflow.workflows.model;

public record PlanInput(StepInput step, String backupId, boolean incremental,
    RecoveryTarget recoveryTarget) {}
