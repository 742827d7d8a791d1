package dev.restoreflow.worker;

import dev.restoreflow.activities.ledger.JobRow;
import java.util.ArrayList;
import java.util.List;

/** What the ledger keeps of a job's outcome, for `restoreflow job`: the approver, the RTO. */
final class JobOutcomeLines {

  private JobOutcomeLines() {}

  static List<String> of(JobRow job) {
    List<String> lines = new ArrayList<>();
    if (job.approval() != null) {
      lines.add("approval: " + job.approval());
    }
    if (job.restoreMillis() != null) {
      lines.add("RTO: " + PlanSummary.measured(job.restoreMillis())
          + (job.dataBytes() == null ? "" : ", " + Bytes.human(job.dataBytes()))
          + (job.backupId() == null ? "" : " of backup " + job.backupId())
          + (job.engine() == null ? "" : " (" + job.engine() + ")")
          + (Boolean.TRUE.equals(job.drill()) ? "; a drill" : ""));
    } else if (Boolean.TRUE.equals(job.drill())) {
      lines.add("a drill" + (job.backupId() == null ? "" : " of backup " + job.backupId()));
    }
    return lines;
  }
}
