package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.probackup.ProbackupConfig;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.PlanSummary;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestorePlan;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The plan's RPO and RTO on a real PostgreSQL cluster with the pg_probackup simulator, through
 * the real RestoreWorkflow on the embedded Temporal server: the RPO against the cluster's real
 * newest commit (track_commit_timestamp on) and, stopped, its real latest checkpoint; the RTO
 * estimate of a fourth restore from the three measured before it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class RpoRtoIT {

  private static final Duration JOB_LIMIT = Duration.ofMinutes(3);
  /** pg_probackup's (and the simulator's) form of a backup.control time, in UTC. */
  private static final DateTimeFormatter CONTROL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'+00'").withZone(ZoneOffset.UTC);
  private static final Pattern RECOVERY_TIME =
      Pattern.compile("(?m)^recovery-time = '([^']*)'$");

  private ItSandbox main1;
  private ItTemporal temporal;
  private String backupId;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    main1.sandbox.loadDemoData(20_000);
    // commit timestamps for the RPO; no autovacuum, whose commits would move the newest commit
    // while the test compares it (ALTER SYSTEM outside a transaction block: one per call)
    main1.sandbox.sql("alter system set track_commit_timestamp = on");
    main1.sandbox.sql("alter system set autovacuum = off");
    main1.sandbox.stopCluster();
    main1.sandbox.start();
    assertEquals("on", main1.sandbox.sql("show track_commit_timestamp"));
    backupId = main1.sandbox.backup("FULL");
    Path ledger = main1.stateDir().resolve("ledger.db");
    ItServer server = ItServer.embedded();
    temporal = ItTemporal.start(server, ItSandbox.config(server.target(), ledger, main1),
        List.of("local"));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (temporal != null) {
      temporal.close();
    }
    if (main1 != null) {
      main1.close();
    }
  }

  /**
   * Ten minutes of activity after the backup are simulated by moving the backup's recorded
   * recovery-time (its consistency point, in the simulator's backup.control) ten minutes before
   * the cluster's newest commit, which a real transaction made just before. The truth is that
   * commit's own timestamp (pg_last_committed_xact()) minus the recorded time.
   */
  @Test
  @Order(1)
  void theRpoOfABackupTenMinutesOlderThanTheNewestCommitIsWithinASecondOfTheTruth()
      throws Exception {
    main1.sandbox.sql("insert into transfers (from_id, to_id, amount) values (1, 2, 10.00)");
    Instant newest = newestCommit();
    Instant recorded = newest.minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    recordRecoveryTime(recorded);

    RestoreResult dryRun = restore(main1().withDryRun(true));
    assertEquals(JobState.PLANNED, dryRun.state());
    assertEquals(newest, newestCommit(), "nothing committed while the test looked");
    RestorePlan plan = dryRun.plan();
    double truth = Duration.between(recorded, newest).toMillis() / 1000.0;
    assertNotNull(plan.dataLossSeconds(), plan.toString());
    assertTrue(Math.abs(plan.dataLossSeconds() - truth) <= 1, "RPO " + plan.dataLossSeconds()
        + " s, truth " + truth + " s: " + plan);
    assertEquals(recorded, Instant.parse(plan.backupTime()));
    assertTrue(Math.abs(Duration.between(newest, Instant.parse(plan.newestTransactionTime()))
        .toMillis()) <= 1, plan.newestTransactionTime() + " vs " + newest);
    assertTrue(plan.rpoBasis().contains("newest commit (track_commit_timestamp on)"),
        plan.rpoBasis());
    String words = PlanSummary.rpo(plan);
    assertTrue(words.startsWith("RPO: restores to " + CONTROL_TIME.format(recorded)
        .replace("+00", "Z") + ", loses 10 min"), words);
    assertEquals("RTO: no history", PlanSummary.rto(plan), "no restore measured yet");
  }

  /** Stopped, the cluster's data is as of its shutdown checkpoint, which the test brackets. */
  @Test
  @Order(2)
  void stoppedTheRpoIsReckonedToTheShutdownCheckpoint() throws Exception {
    Instant recorded = Instant.parse(restore(main1().withDryRun(true)).plan().backupTime());
    Instant beforeStop = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    main1.sandbox.cluster().stop(false);
    Instant afterStop = Instant.now();
    try {
      RestorePlan plan = restore(main1().withDryRun(true)).plan();
      assertNull(plan.newestTransactionTime(), plan.toString());
      assertTrue(plan.rpoBasis().contains("cluster not running: its data is as of its latest"
          + " checkpoint"), plan.rpoBasis());
      long low = Duration.between(recorded, beforeStop).toSeconds() - 1;
      long high = Duration.between(recorded, afterStop).toSeconds() + 1;
      assertTrue(plan.dataLossSeconds() >= low && plan.dataLossSeconds() <= high,
          plan.dataLossSeconds() + " s not in [" + low + ", " + high + "]: " + plan.rpoBasis());
    } finally {
      main1.sandbox.start();
    }
  }

  /**
   * Four real restores of the same backup: the first has no history; the fourth's estimate,
   * from the three measured before it, is within 50% of the time the fourth then takes.
   */
  @Test
  @Order(3)
  void theRtoEstimateAfterThreeRestoresIsWithinHalfOfTheFourthsMeasuredTime() throws Exception {
    RestoreResult first = restore(main1());
    assertEquals(JobState.SUCCEEDED, first.state(), first.message());
    assertEquals("no history", first.plan().estimateBasis());
    assertNull(first.plan().estimatedSeconds());
    for (int i = 0; i < 2; i++) {
      assertEquals(JobState.SUCCEEDED, restore(main1()).state());
    }
    List<JobRow> measured = temporal.ledger.measuredRestores("main1", null, 10);
    assertEquals(3, measured.size(), measured.toString());
    assertTrue(measured.stream().allMatch(j -> "probackup".equals(j.engine())
        && backupId.equals(j.backupId()) && j.dataBytes() > 0 && j.restoreMillis() > 0),
        measured.toString());

    RestoreResult fourth = restore(main1());
    assertEquals(JobState.SUCCEEDED, fourth.state(), fourth.message());
    RestorePlan plan = fourth.plan();
    assertNotNull(plan.estimatedSeconds(), plan.toString());
    assertTrue(plan.estimateBasis().startsWith("median of 3 restores of main1: "),
        plan.estimateBasis());
    long millis = temporal.ledger.job(fourth.jobId()).orElseThrow().restoreMillis();
    double error = Math.abs(plan.estimatedSeconds() * 1000.0 - millis) / millis;
    assertTrue(error <= 0.5, "estimate " + plan.estimatedSeconds() + " s (" + plan.estimateBasis()
        + "), measured " + millis + " ms: off by " + Math.round(error * 100) + "%");
    assertTrue(PlanSummary.rto(plan).startsWith("RTO: about "), PlanSummary.rto(plan));
  }

  private RestoreResult restore(RestoreRequest request) throws Exception {
    Submission job = temporal.restoreflow.submit(request);
    return temporal.restoreflow.await(job.jobId(), JOB_LIMIT);
  }

  private static RestoreRequest main1() {
    return RestoreRequest.of("main1").withHost("local").withRequestedVia("api", "RpoRtoIT");
  }

  /** The cluster's newest commit, as PostgreSQL recorded it (microseconds). */
  private Instant newestCommit() {
    String epoch = main1.sandbox.sql(
        "select extract(epoch from (pg_last_committed_xact()).timestamp)");
    BigDecimal micros = new BigDecimal(epoch.strip()).movePointRight(6);
    return Instant.EPOCH.plusNanos(micros.longValueExact() * 1000);
  }

  /** Rewrites the backup's recovery-time in the simulator's backup.control. */
  private void recordRecoveryTime(Instant at) throws Exception {
    ProbackupConfig p = main1.instance.settings(ProbackupConfig.class);
    Path control = Path.of(p.catalog(), "backups", p.instance(), backupId, "backup.control");
    String text = Files.readString(control);
    Matcher m = RECOVERY_TIME.matcher(text);
    assertTrue(m.find(), "no recovery-time in " + control + ":\n" + text);
    Files.writeString(control, m.replaceFirst("recovery-time = '" + CONTROL_TIME.format(at)
        + "'"));
  }
}
