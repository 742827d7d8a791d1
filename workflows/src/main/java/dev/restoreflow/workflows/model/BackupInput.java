package dev.restoreflow.workflows.model;

/**
 * What the backup steps get: the job's instance and host, and the backup type the plan settled on.
 *
 * @param type the engine's backup type (FULL, DELTA, PAGE; full)
 * @param compression what the request asked for; null = the instance's config
 */
public record BackupInput(StepInput step, String type, String compression) {}
