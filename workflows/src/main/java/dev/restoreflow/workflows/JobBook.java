package dev.restoreflow.workflows;

import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.failure.ActivityFailure;
import java.util.function.Supplier;

/**
 * A host job's state and message, kept in the ledger as they change: what backup and retention
 * jobs share. Workflow-side; every change is one ledger write, in the order the job makes them.
 */
final class JobBook {

  private final JobRecorder recorder;
  private final StepTracker steps;
  private final Supplier<JobRecorder.Subject> subject;
  private final boolean readable;
  private JobState state = JobState.RESOLVING;
  private String message;

  /** @param subject what the ledger files the job under, as far as it is known at each write */
  JobBook(ServerActivities server, String kind, String jobId, StepTracker steps,
      Supplier<JobRecorder.Subject> subject) {
    this(server, kind, jobId, steps, subject, false);
  }

  /**
   * @param readable from {@link RestoreWorkflowImpl#READABLE_HISTORY} on: one ledger write per
   *     step (at its end, with its start time), and ledger writes carry summaries
   */
  JobBook(ServerActivities server, String kind, String jobId, StepTracker steps,
      Supplier<JobRecorder.Subject> subject, boolean readable) {
    this.recorder = new JobRecorder(server, kind, jobId, readable);
    this.steps = steps;
    this.subject = subject;
    this.readable = readable;
  }

  /** What the ledger hears of the job's steps. */
  StepRuns.Ledger ledger() {
    if (!readable) {
      return StepRuns.Ledger.everyChange(this::recordStep);
    }
    return new StepRuns.Ledger() {
      @Override
      public void started(String name) {
        recorder.flush(subject.get(), state, name);
      }

      @Override
      public void ended(String name) {
        recorder.hold(subject.get(), state, steps.get(name));
      }
    };
  }

  JobState state() {
    return state;
  }

  String message() {
    return message;
  }

  /** The job moves on (queued, running): recorded at once. */
  void enter(JobState next) {
    state = next;
    record(next, null, null);
  }

  /** The job's outcome, recorded by {@link #recordState} once the result is built. */
  void end(JobState finalState, String text) {
    state = finalState;
    message = text;
  }

  void recordState() {
    record(state, null, null);
  }

  void recordStep(String name) {
    record(state, steps.get(name), null);
  }

  void failed(ActivityFailure e) {
    message = JobFailures.rootMessage(e);
    state = JobState.FAILED;
    record(JobState.FAILED, null, message);
  }

  /** @param note what the ledger says of the cancelled job */
  void cancelled(String note) {
    steps.endRunning(StepStatus.CANCELLED, "cancelled");
    steps.skipPending("job cancelled");
    message = "cancelled";
    state = JobState.CANCELLED;
    record(JobState.CANCELLED, null, note);
  }

  private void record(JobState jobState, StepProgress step, String error) {
    recorder.record(subject.get(), jobState, step, error);
  }
}
