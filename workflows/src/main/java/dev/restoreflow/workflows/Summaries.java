package dev.restoreflow.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Workflow;

/**
 * Per-call activity stubs that carry a summary: the short line the Temporal Web UI shows for the
 * activity on a workflow's timeline ("restore backup TP94E0, 25.7 MiB"). A null summary gives the
 * plain stub (jobs recorded before {@link RestoreWorkflowImpl#READABLE_HISTORY}). Summaries name
 * backups, sizes, instances and hosts; never a secret. Workflow-side.
 */
final class Summaries {

  /** What the UI shows in one line; longer summaries are cut. */
  static final int MAX_LENGTH = 200;

  private Summaries() {}

  static <T> T activity(Class<T> type, ActivityOptions options, String summary) {
    return Workflow.newActivityStub(type, summary == null ? options
        : options.toBuilder().setSummary(cut(summary)).build());
  }

  static ActivityStub untyped(ActivityOptions options, String summary) {
    return Workflow.newUntypedActivityStub(summary == null ? options
        : options.toBuilder().setSummary(cut(summary)).build());
  }

  static <T> T local(Class<T> type, LocalActivityOptions options, String summary) {
    return Workflow.newLocalActivityStub(type, summary == null ? options
        : LocalActivityOptions.newBuilder(options).setSummary(cut(summary)).build());
  }

  /** "25.7 MiB"; null when the size is not known. */
  static String size(Long bytes) {
    return bytes == null || bytes <= 0 ? null : Sizes.human(bytes);
  }

  private static String cut(String summary) {
    return summary.length() <= MAX_LENGTH ? summary : summary.substring(0, MAX_LENGTH - 3) + "...";
  }
}
