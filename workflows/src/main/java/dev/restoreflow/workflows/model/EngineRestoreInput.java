package dev.restoreflow.workflows.model;

/** Input of the engine's restore step (ProbackupRestore). */
public record EngineRestoreInput(StepInput step, String backupId, boolean incremental,
    RecoveryTarget recoveryTarget) {}
