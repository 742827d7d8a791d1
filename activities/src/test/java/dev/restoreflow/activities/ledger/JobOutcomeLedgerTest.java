package dev.restoreflow.activities.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobOutcome;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's job outcomes: kept across events, and added to ledgers written before them. */
class JobOutcomeLedgerTest {

  @TempDir
  Path dir;

  private static JobEvent event(String job, JobState state, JobOutcome outcome, long at) {
    return new JobEvent(job, "restore-" + job, "run-1", "restore", "main1", "local", "cli",
        RestoreRequest.of("main1"), state, null, null, at, null, outcome);
  }

  /** The jobs table as the ledger wrote it before outcomes, with one finished job in it. */
  private static void writeOldLedger(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("""
          CREATE TABLE jobs (
            job_id TEXT PRIMARY KEY, workflow_id TEXT, run_id TEXT, kind TEXT,
            instance TEXT, host TEXT, requested_via TEXT, client_address TEXT,
            request_json TEXT, status TEXT NOT NULL, current_step TEXT, error TEXT,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at INTEGER)""");
      s.execute("""
          CREATE TABLE job_steps (
            job_id TEXT NOT NULL, step TEXT NOT NULL, status TEXT NOT NULL,
            started_at INTEGER, ended_at INTEGER, detail TEXT,
            PRIMARY KEY (job_id, step))""");
      s.execute("INSERT INTO jobs (job_id, workflow_id, kind, instance, host, status, created_at,"
          + " updated_at, finished_at) VALUES ('old', 'restore-old', 'restore', 'main1', 'local',"
          + " 'SUCCEEDED', 10, 20, 20)");
    }
  }

  @Test
  void anOldLedgerGetsTheOutcomeColumnsAndKeepsItsJobs() throws Exception {
    Path file = dir.resolve("old.db");
    writeOldLedger(file);
    try (JobLedger ledger = new JobLedger(file)) {
      JobRow old = ledger.job("old").orElseThrow();
      assertEquals("SUCCEEDED", old.status());
      assertNull(old.restoreMillis());
      assertNull(old.engine());
      assertEquals(List.of(), ledger.measuredRestores("main1", null, 10),
          "an old job without a measured time is no history");
      ledger.record(event("new", JobState.SUCCEEDED,
          new JobOutcome("probackup", "SSCOAD", 1000L, 2500L, false, null), 30));
      assertEquals(2500L, ledger.job("new").orElseThrow().restoreMillis());
    }
    try (JobLedger reopened = new JobLedger(file)) {   // the columns are there once: no error
      assertEquals(List.of("new"), reopened.measuredRestores("main1", null, 10).stream()
          .map(JobRow::jobId).toList());
    }
  }

  @Test
  void anIncrementalRestoreIsNoMeasureOfAFullOne() {
    try (JobLedger ledger = new JobLedger(dir.resolve("ledger.db"))) {
      ledger.record(event("full", JobState.SUCCEEDED,
          new JobOutcome("basebackup", "20261130T113847Z", 1L << 30, 9000L, false, null), 10));
      ledger.record(new JobEvent("delta", "restore-delta", "run-1", "restore", "main1", "local",
          "cli", RestoreRequest.of("main1").withIncremental(true), JobState.SUCCEEDED, null, null,
          20, null, new JobOutcome("basebackup", "20261130T113847Z", 1L << 30, 900L, false,
              null)));
      assertEquals(List.of("full"), ledger.measuredRestores("main1", null, 10).stream()
          .map(JobRow::jobId).toList());
    }
  }

  @Test
  void laterEventsKeepWhatEarlierOnesRecorded() {
    try (JobLedger ledger = new JobLedger(dir.resolve("ledger.db"))) {
      ledger.record(event("j1", JobState.RUNNING,
          new JobOutcome("probackup", "SSCOAD", 4096L, null, true, null), 1000));
      ledger.record(event("j1", JobState.AWAITING_APPROVAL, null, 1100));
      assertEquals(List.of("j1"), ledger.openJobs().stream().map(JobRow::jobId).toList(),
          "a job awaiting approval is open");
      ledger.record(event("j1", JobState.RUNNING,
          new JobOutcome(null, null, null, null, null, "approved by alice: OPS-12"), 1200));
      ledger.record(event("j1", JobState.SUCCEEDED,
          new JobOutcome(null, null, null, 3210L, null, null), 2000));
      JobRow row = ledger.job("j1").orElseThrow();
      assertEquals("probackup", row.engine());
      assertEquals("SSCOAD", row.backupId());
      assertEquals(4096L, row.dataBytes());
      assertEquals(3210L, row.restoreMillis());
      assertEquals(Boolean.TRUE, row.drill());
      assertEquals("approved by alice: OPS-12", row.approval());
      assertEquals(List.of(), ledger.openJobs());
    }
  }

  @Test
  void theLatestSucceededDrillOfEachBackupProvesIt() {
    try (JobLedger ledger = new JobLedger(dir.resolve("ledger.db"))) {
      ledger.record(event("d1", JobState.SUCCEEDED,
          new JobOutcome("probackup", "AAAAAA", 10L, 1000L, true, null), 100));
      ledger.record(event("d2", JobState.SUCCEEDED,
          new JobOutcome("probackup", "AAAAAA", 10L, 2000L, true, null), 300));
      ledger.record(event("d3", JobState.FAILED,
          new JobOutcome("probackup", "BBBBBB", 10L, null, true, null), 400));
      ledger.record(event("r1", JobState.SUCCEEDED,
          new JobOutcome("probackup", "BBBBBB", 10L, 1000L, false, null), 500));
      List<JobRow> proven = ledger.latestDrillPerBackup("main1");
      assertEquals(List.of("d2"), proven.stream().map(JobRow::jobId).toList(),
          "a failed drill and a plain restore prove nothing");
    }
  }
}
