package dev.restoreflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.restoreflow.workflows.model.RestoreEstimate;
import dev.restoreflow.workflows.model.RestorePlan;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanSummaryTest {

  private static final RestorePlan PLAN = new RestorePlan("main1", "local", "probackup",
      "SSCOAD", "FULL", "2026-11-30 09:02:11+00", List.of("SSCOAD"), 1000, 5000, "/data",
      List.of());

  @Test
  void theRpoAndRtoReadAsSentences() {
    RestorePlan plan = PLAN.withRpo("2026-11-30T09:02:11Z", "2026-11-30T09:12:14.400Z", 603L,
        "restores to the backup's end (consistency) time; cluster running, its newest commit")
        .withEstimate(new RestoreEstimate(240L,
            "median of 3 restores of main1: 41.2 MiB/s + 3.1 s start/stop"));
    assertEquals("RPO: restores to 2026-11-30 09:02:11Z, loses 10 min 3 s of commits (newest"
        + " 09:12:14Z)", PlanSummary.rpo(plan));
    assertEquals("RTO: about 4 min (median of 3 restores of main1: 41.2 MiB/s + 3.1 s"
        + " start/stop)", PlanSummary.rto(plan));
    assertEquals(3, PlanSummary.lines(plan).size());
  }

  @Test
  void whatIsNotKnownIsSaid() {
    assertEquals("RTO: no history", PlanSummary.rto(PLAN.withEstimate(
        RestoreEstimate.noHistory())));
    assertEquals("RTO: not estimated", PlanSummary.rto(PLAN));
    assertEquals("RPO: not known (what the restore brings back to has no known time)",
        PlanSummary.rpo(PLAN));
    assertEquals("RPO: restores to 2026-11-30 09:02:11Z; how much that loses is not known",
        PlanSummary.rpo(PLAN.withRpo("2026-11-30T09:02:11Z", null, null, "unknown")));
    assertEquals("RPO: restores to 2026-11-30 09:02:11Z, loses no commits",
        PlanSummary.rpo(PLAN.withRpo("2026-11-30T09:02:11Z", null, 0L, "checkpoint")));
  }

  @Test
  void aJobWaitingForApprovalShowsWhatItWouldDoAndHowToAnswer() {
    List<String> lines = PlanSummary.awaitingApproval("j1", PLAN.withEstimate(
        RestoreEstimate.noHistory()));
    assertEquals(List.of("  waiting for approval before anything is touched:",
        "    restores backup SSCOAD of main1 on local, replacing /data (1000 B)",
        "    RPO: not known (what the restore brings back to has no known time)",
        "    RTO: no history",
        "    answer: restoreflow approve j1   (or: restoreflow approve j1 --reject --reason ...)"),
        lines);
  }

  @Test
  void durationsForPeople() {
    assertEquals("42 s", PlanSummary.duration(42));
    assertEquals("10 min 3 s", PlanSummary.duration(603));
    assertEquals("2 h 5 min 0 s", PlanSummary.duration(7500));
    assertEquals("40 s", PlanSummary.about(40));
    assertEquals("4 min", PlanSummary.about(250));
    assertEquals("2 h 10 min", PlanSummary.about(7800));
    assertEquals("restored in 3 min 12 s", PlanSummary.measured(191_600L));
  }
}
