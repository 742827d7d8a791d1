package dev.restoreflow.worker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.worker.config.ConfigLoader;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.model.Catalog;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The /metrics page from a real ledger (SQLite) and stand-ins for the catalog and the host
 * queues, read back with the test's own format parser.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsTest {

  private static final long T0 = Instant.parse("2026-11-29T10:00:00Z").toEpochMilli();

  @TempDir
  Path dir;

  private final AtomicLong now = new AtomicLong(T0 + 3_600_000);

  @Test
  void jobsDurationsAndBytesComeFromTheLedger() throws Exception {
    try (JobLedger ledger = new JobLedger(dir.resolve("ledger.db"));
        Metrics metrics = metrics(ledger, () -> new Catalog(List.of()), host -> QueueState.empty(host))) {
      job(ledger, "r1", "restore", "main1", JobState.SUCCEEDED, 0, 20_000,
          step("PlanRestore", StepStatus.DONE, 1_000, 2_000, "plan"),
          step("ProbackupRestore", StepStatus.DONE, 2_000, 12_000, "restored backup TP9FW5; 10/10 files"));
      job(ledger, "r2", "restore", "odo1", JobState.FAILED, 0, 4_000,
          step("FetchS3", StepStatus.FAILED, 1_000, 3_000, "OBJECT_CORRUPT 99 bytes written"));
      job(ledger, "r3", "restore", "odo1", JobState.SUCCEEDED, 0, 70_000,
          step("FetchS3", StepStatus.DONE, 1_000, 61_000, "restored basebackup 20261129T111029Z:"
              + " 12 files, 5000 bytes written; 3 WAL files; downloaded 2000 bytes (2000 by this"
              + " attempt); manifest checked; fetched in 1.0 s, verified in 0.1 s"));
      job(ledger, "b1", "backup", "main1", JobState.SUCCEEDED, 0, 9_000,
          step("TakeBackup", StepStatus.DONE, 1_000, 8_000,
              "FULL backup TP9FW5: 23570140 bytes of data, status OK"));
      job(ledger, "b2", "backup", "odo1", JobState.SUCCEEDED, 0, 9_000,
          step("TakeBackup", StepStatus.DONE, 1_000, 8_000, "basebackup 20261129T111029Z: 40347356"
              + " bytes stored (zstd), WAL 0/2000028 .. 0/2000100"));
      job(ledger, "b3", "backup", "odo1", JobState.SUCCEEDED, 0, 9_000,
          step("TakeBackup", StepStatus.DONE, 1_000, 8_000, "basebackup 20261129T121029Z: 1000"
              + " bytes stored (zstd), WAL 0/3000028 .. 0/3000100"));
      job(ledger, "q1", "restore", "gone", JobState.QUEUED, 0, 0);

      PrometheusTextParser.Page page = PrometheusTextParser.parse(metrics.prometheusText());

      assertEquals(1.0, jobs(page, "restore", "probackup", "SUCCEEDED"));
      assertEquals(1.0, jobs(page, "restore", "basebackup", "SUCCEEDED"));
      assertEquals(1.0, jobs(page, "restore", "basebackup", "FAILED"));
      assertEquals(1.0, jobs(page, "backup", "probackup", "SUCCEEDED"));
      assertEquals(2.0, jobs(page, "backup", "basebackup", "SUCCEEDED"));
      assertEquals(1.0, jobs(page, "restore", "unknown", "QUEUED"), "an instance the config lacks");
      assertEquals("gauge", page.family("restoreflow_jobs").type());

      Map<String, String> odoRestores = Map.of("kind", "restore", "engine", "basebackup",
          "state", "SUCCEEDED");
      assertEquals(1.0, value(page, "restoreflow_job_duration_seconds_count", odoRestores));
      assertEquals(70.0, value(page, "restoreflow_job_duration_seconds_sum", odoRestores));
      assertEquals(0.0, value(page, "restoreflow_job_duration_seconds_bucket",
          with(odoRestores, "le", "60")));
      assertEquals(1.0, value(page, "restoreflow_job_duration_seconds_bucket",
          with(odoRestores, "le", "120")));
      assertTrue(page.samples("restoreflow_job_duration_seconds_count",
          Map.of("state", "QUEUED")).isEmpty(), "an open job has no duration yet");

      assertEquals(10.0, value(page, "restoreflow_step_duration_seconds_sum",
          Map.of("step", "ProbackupRestore", "status", "DONE", "engine", "probackup")));
      assertEquals(1.0, value(page, "restoreflow_step_duration_seconds_count",
          Map.of("step", "FetchS3", "status", "FAILED")));
      assertEquals(2.0, value(page, "restoreflow_step_duration_seconds_count",
          Map.of("step", "TakeBackup", "engine", "basebackup")));
      assertEquals(1.0, value(page, "restoreflow_step_duration_seconds_count",
          Map.of("step", "TakeBackup", "engine", "probackup")));

      assertEquals(23570140.0, value(page, "restoreflow_backup_bytes_total",
          Map.of("instance", "main1", "engine", "probackup")));
      assertEquals(40348356.0, value(page, "restoreflow_backup_bytes_total",
          Map.of("instance", "odo1", "engine", "basebackup")));
      assertEquals(5000.0, value(page, "restoreflow_restore_bytes_written_total",
          Map.of("instance", "odo1")), "only the DONE FetchS3 counts, not the failed one");
      assertTrue(page.samples("restoreflow_restore_bytes_written_total",
          Map.of("instance", "main1")).isEmpty(), "a ProbackupRestore whose detail has no bytes written");
      assertEquals("counter", page.family("restoreflow_backup_bytes_total").type());
    }
  }

  @Test
  void newestGoodBackupAgeAndQueuesComeFromTheLastReadsWithoutReadingEachScrape() throws Exception {
    AtomicInteger catalogReads = new AtomicInteger();
    AtomicInteger queueReads = new AtomicInteger();
    Catalog catalog = new Catalog(List.of(
        new InstanceCatalog("main1", "probackup", List.of(
            backup("main1", "A", "OK", now.get() - 500_000),
            backup("main1", "B", "OK", now.get() - 100_000),
            backup("main1", "C", "ERROR", now.get() - 10_000)), null, null, null, null),
        new InstanceCatalog("odo1", "basebackup", List.of(), null, null, null, "no backups")));
    QueueEntry running = new QueueEntry("restore-r1", "r1", "main1", T0, "restore");
    QueueEntry waiting = new QueueEntry("backup-b1", "b1", "main1", T0, "backup");
    try (JobLedger ledger = new JobLedger(dir.resolve("ledger.db"));
        Metrics metrics = metrics(ledger, () -> {
          catalogReads.incrementAndGet();
          return catalog;
        }, host -> {
          queueReads.incrementAndGet();
          if (host.equals("S-DB2")) {
            throw new IllegalStateException("query timed out");
          }
          return new QueueState(host, running, List.of(waiting, waiting), null);
        })) {
      PrometheusTextParser.Page page = PrometheusTextParser.parse(metrics.prometheusText());

      assertEquals(100.0, value(page, "restoreflow_newest_backup_age_seconds",
          Map.of("instance", "main1", "engine", "probackup")), "the newest OK one, not the ERROR");
      assertTrue(page.samples("restoreflow_newest_backup_age_seconds", Map.of("instance", "odo1"))
          .isEmpty(), "no OK backup: no series");
      assertEquals(2.0, value(page, "restoreflow_backups", Map.of("instance", "main1",
          "status", "OK")));
      assertEquals(1.0, value(page, "restoreflow_backups", Map.of("instance", "main1",
          "status", "ERROR")));
      assertEquals(2.0, value(page, "restoreflow_host_queue_length", Map.of("host", "S-DB1")));
      assertEquals(1.0, value(page, "restoreflow_host_queue_running", Map.of("host", "S-DB1")));
      assertTrue(page.samples("restoreflow_host_queue_length", Map.of("host", "S-DB2")).isEmpty(),
          "a queue that did not answer has no series");

      now.addAndGet(2_000);
      for (int i = 0; i < 5; i++) {
        page = PrometheusTextParser.parse(metrics.prometheusText());
      }
      assertEquals(1, catalogReads.get(), "the catalog is read again only after a minute");
      assertEquals(102.0, value(page, "restoreflow_newest_backup_age_seconds",
          Map.of("instance", "main1")), "the age grows with the clock");
      assertEquals(2.0, value(page, "restoreflow_catalog_read_age_seconds", Map.of()));
      assertEquals(2, queueReads.get(), "each queue read once (S-DB2's failed read too) within 5 s");

      now.addAndGet(Metrics.CATALOG_MAX_AGE.toMillis());
      metrics.prometheusText();
      long deadline = System.currentTimeMillis() + 5_000;
      while (catalogReads.get() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(2, catalogReads.get(), "an old catalog is read again in the background");
    }
  }

  @Test
  void aBackupJobThatEndsAfterTheCatalogWasReadHasItReadAgain() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    try (JobLedger ledger = new JobLedger(dir.resolve("ledger.db"));
        Metrics metrics = metrics(ledger, () -> {
          reads.incrementAndGet();
          return new Catalog(List.of());
        }, QueueState::empty)) {
      job(ledger, "b0", "backup", "main1", JobState.SUCCEEDED, 0, 9_000);
      metrics.prometheusText();
      metrics.prometheusText();
      assertEquals(1, reads.get(), "a backup that ended before the read changes nothing");

      now.addAndGet(5_000);
      job(ledger, "r1", "restore", "main1", JobState.SUCCEEDED, 0, now.get() - T0);
      metrics.prometheusText();
      Thread.sleep(200);
      assertEquals(1, reads.get(), "a restore does not make backups");

      job(ledger, "b1", "backup", "main1", JobState.SUCCEEDED, 0, now.get() - T0);
      metrics.prometheusText();
      long deadline = System.currentTimeMillis() + 5_000;
      while (reads.get() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(2, reads.get(), "the catalog is read again for the new backup");
      now.addAndGet(10_000);
      metrics.prometheusText();
      Thread.sleep(200);
      assertEquals(2, reads.get(), "once");
    }
  }

  @Test
  void aFailedCatalogReadKeepsTheLastValues() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    Catalog catalog = new Catalog(List.of(new InstanceCatalog("main1", "probackup",
        List.of(backup("main1", "A", "OK", now.get() - 60_000)), null, null, null, null)));
    try (JobLedger ledger = new JobLedger(dir.resolve("ledger.db"));
        Metrics metrics = metrics(ledger, () -> {
          if (reads.incrementAndGet() > 1) {
            throw new IllegalStateException("host worker down");
          }
          return catalog;
        }, QueueState::empty)) {
      metrics.prometheusText();
      now.addAndGet(Metrics.CATALOG_MAX_AGE.toMillis() + 1);
      metrics.prometheusText();
      long deadline = System.currentTimeMillis() + 5_000;
      while (reads.get() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(100);
      PrometheusTextParser.Page page = PrometheusTextParser.parse(metrics.prometheusText());
      assertEquals(60 + Metrics.CATALOG_MAX_AGE.toSeconds() + 0.001, value(page,
          "restoreflow_newest_backup_age_seconds", Map.of("instance", "main1")), 1e-6,
          "the backup read before the failure, a failed read later");
      assertFalse(page.samples("restoreflow_catalog_read_age_seconds", Map.of()).isEmpty());
    }
  }

  private Metrics metrics(JobLedger ledger, java.util.function.Supplier<Catalog> catalog,
      java.util.function.Function<String, QueueState> queue) throws Exception {
    return new Metrics(config(), ledger, new SdkMetrics(), now::get, catalog, queue);
  }

  /** The example config, with a second host. */
  static RestoreflowConfig config() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(Files.readString(
        Path.of("..", "src", "config.example.json")));
    ((ObjectNode) root.get("hosts")).putObject("S-DB2").put("kind", "local");
    return ConfigLoader.parse(json.writeValueAsString(root));
  }

  private static double jobs(PrometheusTextParser.Page page, String kind, String engine,
      String state) {
    return value(page, "restoreflow_jobs", Map.of("kind", kind, "engine", engine, "state", state));
  }

  private static double value(PrometheusTextParser.Page page, String name,
      Map<String, String> labels) {
    return page.value(name, labels).orElseThrow(() -> new AssertionError(
        "no sample " + name + labels));
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> more = new java.util.HashMap<>(labels);
    more.put(key, value);
    return more;
  }

  private static StepProgress step(String name, StepStatus status, long from, long to,
      String detail) {
    return new StepProgress(name, status, T0 + from, T0 + to, detail);
  }

  private static void job(JobLedger ledger, String id, String kind, String instance,
      JobState state, long created, long finished, StepProgress... steps) {
    ledger.record(new JobEvent(id, kind + "-" + id, "run", kind, instance, "S-DB1", "api", null,
        JobState.QUEUED, null, null, T0 + created));
    for (StepProgress step : steps) {
      ledger.record(new JobEvent(id, kind + "-" + id, "run", kind, instance, "S-DB1", "api", null,
          JobState.RUNNING, step, null, step.endedAtMillis()));
    }
    if (state != JobState.QUEUED) {
      ledger.record(new JobEvent(id, kind + "-" + id, "run", kind, instance, "S-DB1", "api", null,
          state, null, null, T0 + finished));
    }
  }

  private static CatalogBackup backup(String instance, String id, String status, long endMillis) {
    return new CatalogBackup(instance, "probackup", id, "FULL", status,
        Instant.ofEpochMilli(endMillis - 5_000).toString(), Instant.ofEpochMilli(endMillis).toString(),
        1, 1, null, List.of(id), null, null);
  }
}
