package dev.restoreflow.activities.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobOutcome;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.StepProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The job history of record (SQLite, WAL mode): a row per job and a row per step, kept after
 * Temporal's retention has dropped the workflow. Writes are idempotent upserts, so an event
 * recorded twice (a retried local activity) changes nothing.
 */
public final class JobLedger implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Statuses of a job that has not ended (as far as the ledger knows), as an SQL list: the
   * non-final {@link JobState}s, and UNKNOWN (an event without a state).
   */
  private static final String OPEN_SQL = "('RESOLVING', 'QUEUED', 'RUNNING', 'AWAITING_APPROVAL',"
      + " 'UNKNOWN')";

  /**
   * The columns of a job's outcome ({@link JobOutcome}), added to ledgers written before they
   * existed: name -> SQL type.
   */
  private static final Map<String, String> OUTCOME_COLUMNS = outcomeColumns();

  private final Connection connection;

  public JobLedger(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = connection.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute("PRAGMA busy_timeout=5000");
        s.execute("""
            CREATE TABLE IF NOT EXISTS jobs (
              job_id TEXT PRIMARY KEY, workflow_id TEXT, run_id TEXT, kind TEXT,
              instance TEXT, host TEXT, requested_via TEXT, client_address TEXT,
              request_json TEXT, status TEXT NOT NULL, current_step TEXT, error TEXT,
              created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at INTEGER)""");
        s.execute("""
            CREATE TABLE IF NOT EXISTS job_steps (
              job_id TEXT NOT NULL, step TEXT NOT NULL, status TEXT NOT NULL,
              started_at INTEGER, ended_at INTEGER, detail TEXT,
              PRIMARY KEY (job_id, step))""");
        s.execute("CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created_at)");
      }
      addMissingColumns();
    } catch (Exception e) {
      throw new IllegalStateException("cannot open the ledger " + file + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> outcomeColumns() {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("engine", "TEXT");
    columns.put("backup_id", "TEXT");
    columns.put("data_bytes", "INTEGER");
    columns.put("restore_millis", "INTEGER");
    columns.put("drill", "INTEGER");
    columns.put("approval", "TEXT");
    return columns;
  }

  /** A ledger file of an older version gets the outcome's columns (empty for its old jobs). */
  private void addMissingColumns() throws SQLException {
    Set<String> present = new HashSet<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA table_info(jobs)")) {
      while (rs.next()) {
        present.add(rs.getString("name"));
      }
    }
    for (Map.Entry<String, String> column : OUTCOME_COLUMNS.entrySet()) {
      if (!present.contains(column.getKey())) {
        try (Statement s = connection.createStatement()) {
          s.execute("ALTER TABLE jobs ADD COLUMN " + column.getKey() + " " + column.getValue());
        }
      }
    }
  }

  public synchronized void record(JobEvent e) {
    try {
      upsertJob(e);
      if (e.step() != null) {
        upsertStep(e.jobId(), e.step());
      }
    } catch (SQLException ex) {
      throw new IllegalStateException("ledger write failed: " + ex.getMessage(), ex);
    }
  }

  private void upsertJob(JobEvent e) throws SQLException {
    String current = e.runningStep() != null ? e.runningStep()
        : e.step() != null && e.step().status().name().equals("RUNNING") ? e.step().name() : null;
    boolean finished = e.state() != null && e.state().isFinal();
    try (PreparedStatement ps = connection.prepareStatement("""
        INSERT INTO jobs (job_id, workflow_id, run_id, kind, instance, host, requested_via,
          request_json, status, current_step, error, created_at, updated_at, finished_at,
          client_address, engine, backup_id, data_bytes, restore_millis, drill, approval)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(job_id) DO UPDATE SET
          run_id = excluded.run_id,
          instance = COALESCE(excluded.instance, jobs.instance),
          host = COALESCE(excluded.host, jobs.host),
          status = excluded.status,
          current_step = excluded.current_step,
          error = COALESCE(excluded.error, jobs.error),
          updated_at = MAX(jobs.updated_at, excluded.updated_at),
          finished_at = COALESCE(excluded.finished_at, jobs.finished_at),
          engine = COALESCE(excluded.engine, jobs.engine),
          backup_id = COALESCE(excluded.backup_id, jobs.backup_id),
          data_bytes = COALESCE(excluded.data_bytes, jobs.data_bytes),
          restore_millis = COALESCE(excluded.restore_millis, jobs.restore_millis),
          drill = COALESCE(excluded.drill, jobs.drill),
          approval = COALESCE(excluded.approval, jobs.approval)""")) {
      ps.setString(1, e.jobId());
      ps.setString(2, e.workflowId());
      ps.setString(3, e.runId());
      ps.setString(4, e.kind());
      ps.setString(5, e.instance());
      ps.setString(6, e.host());
      ps.setString(7, e.requestedVia());
      ps.setString(8, toJson(e.request() != null ? e.request() : e.backupRequest()));
      ps.setString(9, e.state() == null ? "UNKNOWN" : e.state().name());
      ps.setString(10, current);
      ps.setString(11, e.error());
      ps.setLong(12, e.atMillis());
      ps.setLong(13, e.atMillis());
      if (finished) {
        ps.setLong(14, e.atMillis());
      } else {
        ps.setNull(14, java.sql.Types.INTEGER);
      }
      ps.setString(15, clientAddress(e));
      JobOutcome outcome = e.outcome() != null ? e.outcome()
          : new JobOutcome(null, null, null, null, null, null);
      ps.setString(16, outcome.engine());
      ps.setString(17, outcome.backupId());
      setLong(ps, 18, outcome.dataBytes());
      setLong(ps, 19, outcome.restoreMillis());
      setLong(ps, 20, outcome.drill() == null ? null : outcome.drill() ? 1L : 0L);
      ps.setString(21, outcome.approval());
      ps.executeUpdate();
    }
  }

  private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, java.sql.Types.INTEGER);
    } else {
      ps.setLong(index, value);
    }
  }

  /** The line gateway puts the client's address in requestedBy. */
  private static String clientAddress(JobEvent e) {
    return "nc".equals(e.requestedVia()) && e.request() != null ? e.request().requestedBy() : null;
  }

  private void upsertStep(String jobId, StepProgress step) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("""
        INSERT INTO job_steps (job_id, step, status, started_at, ended_at, detail)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(job_id, step) DO UPDATE SET status = excluded.status,
          started_at = excluded.started_at, ended_at = excluded.ended_at,
          detail = excluded.detail""")) {
      ps.setString(1, jobId);
      ps.setString(2, step.name());
      ps.setString(3, step.status().name());
      ps.setLong(4, step.startedAtMillis());
      ps.setLong(5, step.endedAtMillis());
      ps.setString(6, step.detail());
      ps.executeUpdate();
    }
  }

  public synchronized Optional<JobRow> job(String jobId) {
    List<JobRow> rows = query("SELECT * FROM jobs WHERE job_id = ?", jobId);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** Jobs, newest first, optionally only of one instance and/or status. */
  public synchronized List<JobRow> jobs(String instance, String status, int limit) {
    return query("SELECT * FROM jobs WHERE (? IS NULL OR instance = ?) AND (? IS NULL OR status = ?)"
        + " ORDER BY created_at DESC LIMIT " + Math.max(1, limit), instance, instance, status, status);
  }

  /** Jobs the ledger has not seen end, oldest first. */
  public synchronized List<JobRow> openJobs() {
    return query("SELECT * FROM jobs WHERE status IN " + OPEN_SQL + " ORDER BY created_at");
  }

  /**
   * Records an end the workflow could not record itself (terminated, timed out, gone from
   * Temporal), unless the job's row already has an end.
   *
   * @return whether the row changed
   */
  public synchronized boolean endOpenJob(String jobId, String status, String error, long atMillis) {
    try (PreparedStatement ps = connection.prepareStatement("UPDATE jobs SET status = ?,"
        + " error = COALESCE(?, error), current_step = NULL, updated_at = ?, finished_at = ?"
        + " WHERE job_id = ? AND status IN " + OPEN_SQL)) {
      ps.setString(1, status);
      ps.setString(2, error);
      ps.setLong(3, atMillis);
      ps.setLong(4, atMillis);
      ps.setString(5, jobId);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new IllegalStateException("ledger write failed: " + e.getMessage(), e);
    }
  }

  /**
   * Restore jobs (drills included) that succeeded with a measured restore time and data size,
   * newest first: of {@code instance} when given, else of every instance of {@code engine}.
   * Incremental (delta) restores are left out: they write what differs, not the data size, and
   * would make a full restore look seconds away.
   */
  public synchronized List<JobRow> measuredRestores(String instance, String engine, int limit) {
    return query("SELECT * FROM jobs WHERE kind = 'restore' AND status = 'SUCCEEDED'"
        + " AND restore_millis IS NOT NULL AND data_bytes IS NOT NULL"
        + " AND (CASE WHEN json_valid(request_json)"
        + " THEN coalesce(json_extract(request_json, '$.incremental'), 0) ELSE 0 END) = 0"
        + " AND (? IS NULL OR instance = ?) AND (? IS NULL OR engine = ?)"
        + " ORDER BY finished_at DESC LIMIT " + Math.max(1, limit),
        instance, instance, engine, engine);
  }

  /**
   * The instance's drills that succeeded, the latest of each backup id, in backup id order
   * (SQLite takes a row's other columns from the row with the MAX).
   */
  public synchronized List<JobRow> latestDrillPerBackup(String instance) {
    return query("SELECT *, MAX(finished_at) FROM jobs WHERE kind = 'restore'"
        + " AND status = 'SUCCEEDED' AND drill = 1 AND backup_id IS NOT NULL AND instance = ?"
        + " GROUP BY backup_id ORDER BY backup_id", instance);
  }

  public synchronized List<StepRow> steps(String jobId) {
    List<StepRow> rows = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT * FROM job_steps WHERE job_id = ? ORDER BY CASE WHEN started_at > 0 THEN started_at"
            + " ELSE 9223372036854775807 END, rowid")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new StepRow(rs.getString("job_id"), rs.getString("step"), rs.getString("status"),
              rs.getLong("started_at"), rs.getLong("ended_at"), rs.getString("detail")));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("ledger read failed: " + e.getMessage(), e);
    }
    return rows;
  }

  /**
   * Every step of every job, with its job's kind and instance; the detail only of the steps named
   * in {@code withDetail} (details can be long: a scrape should not read them all).
   */
  public synchronized List<JobStepRow> stepsOfEveryJob(java.util.Set<String> withDetail) {
    List<JobStepRow> rows = new ArrayList<>();
    String names = String.join(",", java.util.Collections.nCopies(Math.max(1, withDetail.size()), "?"));
    try (PreparedStatement ps = connection.prepareStatement("SELECT s.job_id, j.kind, j.instance,"
        + " s.step, s.status, s.started_at, s.ended_at, CASE WHEN s.step IN (" + names + ")"
        + " THEN s.detail END AS detail FROM job_steps s JOIN jobs j ON j.job_id = s.job_id")) {
      int i = 1;
      for (String name : withDetail.isEmpty() ? List.of("") : withDetail) {
        ps.setString(i++, name);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new JobStepRow(rs.getString("job_id"), rs.getString("kind"),
              rs.getString("instance"), rs.getString("step"), rs.getString("status"),
              rs.getLong("started_at"), rs.getLong("ended_at"), rs.getString("detail")));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("ledger read failed: " + e.getMessage(), e);
    }
    return rows;
  }

  private List<JobRow> query(String sql, String... params) {
    List<JobRow> rows = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new JobRow(rs.getString("job_id"), rs.getString("workflow_id"),
              rs.getString("run_id"), rs.getString("kind"), rs.getString("instance"),
              rs.getString("host"), rs.getString("requested_via"), rs.getString("client_address"),
              rs.getString("request_json"), rs.getString("status"), rs.getString("current_step"),
              rs.getString("error"), rs.getLong("created_at"), rs.getLong("updated_at"),
              rs.getLong("finished_at"), rs.getString("engine"), rs.getString("backup_id"),
              nullableLong(rs, "data_bytes"), nullableLong(rs, "restore_millis"),
              nullableBoolean(rs, "drill"), rs.getString("approval")));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("ledger read failed: " + e.getMessage(), e);
    }
    return rows;
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  private static Boolean nullableBoolean(ResultSet rs, String column) throws SQLException {
    Long value = nullableLong(rs, column);
    return value == null ? null : value != 0;
  }

  private static String toJson(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return String.valueOf(value);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing a ledger that is gone
    }
  }
}
