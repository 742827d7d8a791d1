package dev.restoreflow.workflows.model;

/** What every host-bound step gets: the job (for log tagging), the instance and its host. */
public record StepInput(String jobId, String instance, String host) {}
