package dev.restoreflow.workflows.model;

/**
 * What a retention schedule runs each time it fires: a retention job of {@code request} (always
 * applying: a schedule deletes what the policy does not keep), named after the schedule so its
 * jobs are recognizable ({@code <schedule>-<time>}).
 */
public record ScheduledRetention(String schedule, RetentionRequest request) {}
