package dev.restoreflow.activities.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobLedgerTest {

  @TempDir
  Path dir;

  private static JobEvent event(String job, JobState state, StepProgress step, long at) {
    return new JobEvent(job, "restore-" + job, "run-1", "restore", "main1", "local", "cli",
        RestoreRequest.of("main1"), state, step, null, at);
  }

  @Test
  void jobsAndStepTimingsSurviveReopeningTheLedger() {
    Path file = dir.resolve("ledger.db");
    try (JobLedger ledger = new JobLedger(file)) {
      ledger.record(event("j1", JobState.QUEUED, null, 1000));
      ledger.record(event("j1", JobState.RUNNING,
          new StepProgress("StopCluster", StepStatus.RUNNING, 1100, 0, null), 1100));
      ledger.record(event("j1", JobState.RUNNING,
          new StepProgress("StopCluster", StepStatus.DONE, 1100, 1300, "stopped (immediate)"), 1300));
      ledger.record(event("j1", JobState.RUNNING,
          new StepProgress("StopCluster", StepStatus.DONE, 1100, 1300, "stopped (immediate)"), 1300));
      ledger.record(event("j1", JobState.SUCCEEDED, null, 2000));
      ledger.record(event("j2", JobState.QUEUED, null, 3000));
    }
    try (JobLedger reopened = new JobLedger(file)) {
      List<JobRow> jobs = reopened.jobs(null, null, 10);
      assertEquals(List.of("j2", "j1"), jobs.stream().map(JobRow::jobId).toList());
      JobRow j1 = reopened.job("j1").orElseThrow();
      assertEquals("SUCCEEDED", j1.status());
      assertEquals(2000, j1.finishedAt());
      assertTrue(j1.requestJson().contains("\"instance\":\"main1\""), j1.requestJson());
      List<StepRow> steps = reopened.steps("j1");
      assertEquals(1, steps.size());
      assertEquals(200, steps.get(0).endedAt() - steps.get(0).startedAt());
      assertEquals(List.of("j2"), reopened.jobs(null, "QUEUED", 10).stream().map(JobRow::jobId).toList());
    }
  }

  /** A step's end written as the next step starts makes that step the job's current one. */
  @Test
  void theStepThatStartsWithAnotherStepsEndIsTheCurrentStep() {
    try (JobLedger ledger = new JobLedger(dir.resolve("ledger.db"))) {
      ledger.record(event("j1", JobState.RUNNING,
          new StepProgress("StopCluster", StepStatus.RUNNING, 1100, 0, null), 1100));
      StepProgress stopped =
          new StepProgress("StopCluster", StepStatus.DONE, 1100, 1300, "stopped (immediate)");
      ledger.record(new JobEvent("j1", "restore-j1", "run-1", "restore", "main1", "local", "cli",
          RestoreRequest.of("main1"), JobState.RUNNING, stopped, null, 1300, null, null,
          "WipeData"));
      assertEquals("WipeData", ledger.job("j1").orElseThrow().currentStep());
      assertEquals(StepStatus.DONE.name(), ledger.steps("j1").get(0).status());

      ledger.record(event("j1", JobState.RUNNING,
          new StepProgress("WipeData", StepStatus.DONE, 1300, 1400, "wiped"), 1400));
      assertEquals(null, ledger.job("j1").orElseThrow().currentStep(), "no step runs now");
    }
  }
}
