package dev.restoreflow.workflows.model;

/** PlanRetention's and ApplyRetention's input: the job's step and the request's counts. */
public record RetentionInput(StepInput step, Integer daily, Integer weekly, Integer monthly,
    Integer full) {}
