package dev.restoreflow.workflows.model;

/** A job waiting for (or holding) its host's turn. */
public record QueueEntry(String workflowId, String jobId, String instance, long submittedAtMillis) {}
