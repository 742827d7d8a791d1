package dev.restoreflow.workflows.model;

import java.util.List;

/**
 * PlanRetention's answer: the policy as applied, every backup's verdict (newest first), and what
 * would be deleted, in the order it is deleted (a backup's dependents before it).
 */
public record RetentionReport(String instance, String engine, String policy,
    List<RetentionVerdict> verdicts, List<String> toDelete) {}
