package dev.restoreflow.worker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.worker.PlanSummary;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.RestoreEstimate;
import dev.restoreflow.workflows.model.RestorePlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A job's plan with its RPO and RTO, and its outcome, as the API answers them and logs them. */
class JobViewPlanTest {

  @Test
  void thePlansRpoAndRtoAreDocumentedAndReadable() throws Exception {
    RestorePlan plan = new RestorePlan("main1", "S-DB1", "mysqltables", "A1", "tables t",
        "2026-11-30T09:02:11Z", List.of("A1"), 1000, 5000, null, List.of(PlannedStep.run(
            "PlanRestore")))
        .withRpo("2026-11-30T09:02:11Z", "2026-11-30T09:12:14Z", 603L,
            "restores to the backup's end (consistency) time; server running: reckoned to now")
        .withEstimate(RestoreEstimate.noHistory());
    JobView view = new JobView("j1", "restore-j1", "restore", "main1", "S-DB1",
        "AWAITING_APPROVAL", null, "A1", 0, "http", 1L, null, null, null, null, List.of(), null,
        plan, PlanSummary.rpo(plan), PlanSummary.rto(plan), "approved by alice: OPS-12", 4200L);
    assertEquals(List.of(), OpenApiChecker.load().checkSchema("Job",
        new ObjectMapper().readTree(Json.text(view))));
    assertTrue(!view.isOver(), "a job awaiting approval is not over");
    List<String> log = view.logLines();
    assertTrue(log.contains("RPO: restores to 2026-11-30 09:02:11Z, loses 10 min 3 s of commits"
        + " (newest 09:12:14Z)"), log.toString());
    assertTrue(log.contains("RTO: no history"), log.toString());
    assertTrue(log.contains("approval: approved by alice: OPS-12"), log.toString());
    assertTrue(log.contains("RTO: restored in 4 s"), log.toString());
  }
}
