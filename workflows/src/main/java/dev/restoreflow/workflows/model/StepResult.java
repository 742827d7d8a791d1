package dev.restoreflow.workflows.model;

/**
 * What a step did, timed by the activity itself on the host's clock.
 *
 * @param detail one line for people, e.g. "stopped (immediate)" or "already stopped"
 */
public record StepResult(String step, long startedAtMillis, long endedAtMillis, String detail) {}
