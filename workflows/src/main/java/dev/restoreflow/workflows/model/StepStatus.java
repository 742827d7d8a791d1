package dev.restoreflow.workflows.model;

public enum StepStatus { PENDING, RUNNING, DONE, SKIPPED, FAILED, CANCELLED }
