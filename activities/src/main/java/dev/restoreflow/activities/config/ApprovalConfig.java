package dev.restoreflow.activities.config;

/**
 * Whether an instance's restores wait for a person's approval after PlanRestore
 * ({@code instances.N.approval}), and how long.
 *
 * @param required every restore of the instance waits (a request may also ask for it)
 * @param timeout how long a job waits before it ends REJECTED: "30m", "2h", "1d"; null = 1h
 */
public record ApprovalConfig(Boolean required, String timeout) {}
