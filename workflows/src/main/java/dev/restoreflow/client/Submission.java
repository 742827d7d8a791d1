package dev.restoreflow.client;

/**
 * A job that was accepted.
 *
 * @param queuePosition 0 = running now, n = n jobs before it, -1 = not known yet
 */
public record Submission(String jobId, String workflowId, String host, int queuePosition) {}
