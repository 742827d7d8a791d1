package dev.restoreflow.workflows.model;

import java.util.List;

/**
 * A request checked against the config: the instance exists, the host is known and allowed, the
 * backup id and recovery target are of the engine's form.
 *
 * @param steps the steps the job will show until PlanRestore has planned them; null in
 *     resolutions recorded before engines planned their steps
 */
public record ResolvedRestore(String jobId, String instance, String host, String engine,
    boolean promoteByDefault, List<PlannedStep> steps) {}
