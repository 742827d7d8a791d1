package dev.restoreflow.workflows.model;

import java.util.List;

/** What retention decided for one backup, and why (reasons a DBA reads). */
public record RetentionVerdict(String backupId, String type, String endTime, boolean keep,
    List<String> reasons) {}
