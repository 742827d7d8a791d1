package dev.restoreflow.workflows.model;

import java.util.List;

/**
 * The backup PlanRestore chose and the checks it passed.
 *
 * @param chain backup ids from the FULL backup to the chosen one
 * @param dataBytes bytes the restored data directory needs
 * @param freeBytes free bytes on the data directory's file system
 */
public record RestorePlan(
    String instance,
    String host,
    String engine,
    String backupId,
    String backupMode,
    String recoveryTime,
    List<String> chain,
    long dataBytes,
    long freeBytes,
    String pgdata) {}
