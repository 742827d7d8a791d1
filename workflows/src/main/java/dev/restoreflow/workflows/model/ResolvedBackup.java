package dev.restoreflow.workflows.model;

/**
 * A backup request checked against the config: the instance exists and its engine knows the
 * backup type.
 *
 * @param type the type to take, the engine's default filled in
 * @param compression the compression asked for; null = the instance's config
 */
public record ResolvedBackup(String jobId, String instance, String host, String engine,
    String type,
    String compression) {}
