package dev.restoreflow.worker.config;

import dev.restoreflow.activities.config.ApprovalConfig;
import dev.restoreflow.activities.config.RetentionConfig;
import dev.restoreflow.activities.config.ScratchConfig;
import java.util.List;

/**
 * An instance's common keys as written in the config, before defaults. Its engine section (the
 * key named after its engine) is read by the engine alone.
 */
record RawInstance(
    String engine,
    String host,
    String pgdata,
    String controlDir,
    String systemdUnit,
    Integer port,
    String osUser,
    String pgBin,
    String serverLog,
    String connectHost,
    String database,
    String dbUser,
    List<String> smokeQueries,
    Boolean keepArchiving,
    Boolean promote,
    Integer stopTimeoutSeconds,
    Integer startTimeoutSeconds,
    List<String> restoreHosts,
    RetentionConfig retention,
    ScratchConfig scratch,
    ApprovalConfig approval) {}
