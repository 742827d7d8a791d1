package dev.restoreflow.worker.observe;

import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.ledger.JobStepRow;
import dev.restoreflow.workflows.Steps;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The figures of the ledger's jobs and steps: jobs by kind, engine and state; job and step
 * durations; bytes backed up and restored. Pure: rows in, Prometheus text out.
 */
final class LedgerFigures {

  static final String UNKNOWN = "unknown";

  private final Function<String, String> engineOf;

  /** @param engineOf an instance's engine (the config's), or null for an instance it lacks */
  LedgerFigures(Function<String, String> engineOf) {
    this.engineOf = engineOf;
  }

  void render(PrometheusText text, List<JobRow> jobs, List<JobStepRow> steps) {
    Map<Map<String, String>, Long> byState = new TreeMap<>(LABELS);
    Map<Map<String, String>, Histogram> jobDurations = new TreeMap<>(LABELS);
    for (JobRow job : jobs) {
      Map<String, String> labels = Map.of("kind", orUnknown(job.kind()),
          "engine", engine(job.instance()), "state", orUnknown(job.status()));
      byState.merge(labels, 1L, Long::sum);
      if (job.finishedAt() > 0 && job.createdAt() > 0) {
        jobDurations.computeIfAbsent(labels, l -> Histogram.of(Histogram.JOB_SECONDS))
            .observe((job.finishedAt() - job.createdAt()) / 1000.0);
      }
    }
    Map<Map<String, String>, Histogram> stepDurations = new TreeMap<>(LABELS);
    Map<Map<String, String>, Long> backedUp = new TreeMap<>(LABELS);
    Map<Map<String, String>, Long> written = new TreeMap<>(LABELS);
    for (JobStepRow step : steps) {
      String engine = engine(step.instance());
      if (step.startedAt() > 0 && step.endedAt() >= step.startedAt()) {
        stepDurations.computeIfAbsent(Map.of("kind", orUnknown(step.kind()), "engine", engine,
                "step", step.step(), "status", step.status()),
            l -> Histogram.of(Histogram.JOB_SECONDS))
            .observe((step.endedAt() - step.startedAt()) / 1000.0);
      }
      if (!"DONE".equals(step.status())) {
        continue;
      }
      Map<String, String> perInstance = Map.of("instance", orUnknown(step.instance()),
          "engine", engine);
      OptionalLong bytes = Steps.TAKE_BACKUP.equals(step.step())
          ? StepBytes.backedUp(step.detail()) : OptionalLong.empty();
      bytes.ifPresent(n -> backedUp.merge(perInstance, n, Long::sum));
      if (!Steps.TAKE_BACKUP.equals(step.step())) {
        StepBytes.written(step.detail()).ifPresent(n -> written.merge(perInstance, n, Long::sum));
      }
    }
    text.family("restoreflow_jobs", "gauge",
        "Jobs in the ledger by kind (restore, backup), engine and state (its status column).");
    byState.forEach((labels, n) -> text.sample("restoreflow_jobs", labels, n));
    text.family("restoreflow_job_duration_seconds", "histogram",
        "Ended jobs: seconds from submission (queue wait included) to the end, by final state.");
    jobDurations.forEach((labels, h) -> text.histogram("restoreflow_job_duration_seconds", labels, h));
    text.family("restoreflow_step_duration_seconds", "histogram",
        "Steps that ended: seconds from their start to their end, by step and status.");
    stepDurations.forEach((labels, h) ->
        text.histogram("restoreflow_step_duration_seconds", labels, h));
    text.family("restoreflow_backup_bytes_total", "counter",
        "Bytes of the backups TakeBackup made, as the engine reports them, exactly (pg_probackup:"
            + " data; pgBackRest: copied; basebackup, pgdump, mysqltables: stored, compressed).");
    backedUp.forEach((labels, n) -> text.sample("restoreflow_backup_bytes_total", labels, n));
    text.family("restoreflow_restore_bytes_written_total", "counter",
        "Bytes restore steps wrote into data directories, where the step reports them (FetchS3,"
            + " a full ProbackupRestore, PgBackRestRestore from pgBackRest's per-file sizes; not"
            + " an incremental ProbackupRestore).");
    written.forEach((labels, n) ->
        text.sample("restoreflow_restore_bytes_written_total", labels, n));
  }

  private String engine(String instance) {
    String engine = instance == null ? null : engineOf.apply(instance);
    return orUnknown(engine);
  }

  private static String orUnknown(String value) {
    return value == null || value.isEmpty() ? UNKNOWN : value;
  }

  /** Label sets in a stable order (by their text), so the page reads the same each time. */
  private static final java.util.Comparator<Map<String, String>> LABELS =
      java.util.Comparator.comparing(labels -> new TreeMap<>(labels).toString());
}
