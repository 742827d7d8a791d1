package dev.restoreflow.workflows.model;

/** A request checked against the config: the instance exists, the host is known. */
public record ResolvedRestore(String jobId, String instance, String host, String engine,
    boolean promoteByDefault) {}
