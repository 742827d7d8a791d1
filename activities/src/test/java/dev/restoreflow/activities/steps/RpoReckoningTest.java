package dev.restoreflow.activities.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.workflows.model.RecoveryTarget;
import dev.restoreflow.workflows.model.RestorePlan;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RPO's arithmetic and words, for each way the newest data is known, on a fixed clock. */
class RpoReckoningTest {

  private static final Instant NOW = Instant.parse("2026-11-30T09:20:00Z");
  private final RpoReckoning rpo = new RpoReckoning(Clock.fixed(NOW, ZoneOffset.UTC));

  /** A plan whose backup ended at {@code recoveryTime}, as its engine wrote it. */
  private static RestorePlan plan(String recoveryTime) {
    return new RestorePlan("main1", "local", "probackup", "SSCOAD", "FULL", recoveryTime,
        List.of("SSCOAD"), 1000, 5000, "/data", List.of());
  }

  @Test
  void aRunningClusterWithCommitTimestampsLosesItsCommitsSinceTheBackup() {
    RestorePlan p = rpo.apply(plan("2026-11-30 09:02:11+00"), null,
        NewestData.commit(Instant.parse("2026-11-30T09:12:14.400Z")));
    assertEquals("2026-11-30T09:02:11Z", p.backupTime());
    assertEquals("2026-11-30T09:12:14.400Z", p.newestTransactionTime());
    assertEquals(603L, p.dataLossSeconds(), "10 min 3.4 s, rounded");
    assertTrue(p.rpoBasis().contains("backup's end") && p.rpoBasis().contains("newest commit"),
        p.rpoBasis());
  }

  @Test
  void withoutCommitTimestampsARunningClusterIsReckonedToNowAndSaysSo() {
    RestorePlan p = rpo.apply(plan("2026-11-30T09:00:00Z"), null,
        NewestData.of(NewestData.Kind.RUNNING_UNTRACKED));
    assertEquals(NOW.toString(), p.newestTransactionTime());
    assertEquals(1200L, p.dataLossSeconds());
    assertTrue(p.rpoBasis().contains("cluster running, track_commit_timestamp off: reckoned to"
        + " now"), p.rpoBasis());
    RestorePlan none = rpo.apply(plan("2026-11-30T09:00:00Z"), null,
        NewestData.of(NewestData.Kind.RUNNING_NO_COMMIT_RECORDED));
    assertEquals(1200L, none.dataLossSeconds());
    assertTrue(none.rpoBasis().contains("no commit since it started"), none.rpoBasis());
    RestorePlan unreadable = rpo.apply(plan("2026-11-30T09:00:00Z"), null,
        NewestData.unreadable("psql: connection refused"));
    assertEquals(1200L, unreadable.dataLossSeconds());
    assertTrue(unreadable.rpoBasis().contains("psql: connection refused"), unreadable.rpoBasis());
  }

  @Test
  void aStoppedClusterIsReckonedToItsLatestCheckpoint() {
    RestorePlan p = rpo.apply(plan("2026-11-30T09:00:00Z"), null,
        NewestData.checkpoint(Instant.parse("2026-11-30T09:05:30Z")));
    assertNull(p.newestTransactionTime(), "a stopped cluster has no newest transaction to show");
    assertEquals(330L, p.dataLossSeconds());
    assertTrue(p.rpoBasis().contains("cluster not running")
        && p.rpoBasis().contains("2026-11-30T09:05:30Z"), p.rpoBasis());
  }

  @Test
  void aServerThatRunsWhileRestoredIsReckonedToNow() {
    RestorePlan p = rpo.apply(plan("2026-11-30T09:19:00Z"), null,
        NewestData.of(NewestData.Kind.SERVER_RUNNING));
    assertEquals(60L, p.dataLossSeconds());
    assertTrue(p.rpoBasis().contains("server running: reckoned to now"), p.rpoBasis());
  }

  @Test
  void aRecoveryTargetTimeIsWhatTheRestoreBringsBack() {
    RestorePlan p = rpo.apply(plan("2026-11-30T08:00:00Z"),
        new RecoveryTarget("2026-11-30 09:15:00+00", null, null, null),
        NewestData.commit(Instant.parse("2026-11-30T09:16:00Z")));
    assertEquals("2026-11-30T09:15:00Z", p.backupTime());
    assertEquals(60L, p.dataLossSeconds());
    assertTrue(p.rpoBasis().startsWith("restores to the recovery target time"), p.rpoBasis());
  }

  @Test
  void anLsnTargetIsReckonedFromTheBackupsEndAsAnUpperBound() {
    RestorePlan p = rpo.apply(plan("2026-11-30T09:00:00Z"),
        new RecoveryTarget(null, "0/3000060", null, null),
        NewestData.commit(Instant.parse("2026-11-30T09:01:00Z")));
    assertEquals(60L, p.dataLossSeconds());
    assertTrue(p.rpoBasis().contains("lsn 0/3000060") && p.rpoBasis().contains("at most"),
        p.rpoBasis());
  }

  @Test
  void aLossIsNeverNegativeAndUnknownStaysNull() {
    RestorePlan future = rpo.apply(plan("2026-11-30T09:00:00Z"),
        new RecoveryTarget("2026-11-30 10:00:00+00", null, null, null),
        NewestData.commit(Instant.parse("2026-11-30T09:10:00Z")));
    assertEquals(0L, future.dataLossSeconds());
    RestorePlan unknown = rpo.apply(plan("2026-11-30T09:00:00Z"), null,
        NewestData.unknown("no data directory at /data"));
    assertNull(unknown.dataLossSeconds());
    assertNull(unknown.newestTransactionTime());
    assertEquals("2026-11-30T09:00:00Z", unknown.backupTime());
    assertTrue(unknown.rpoBasis().contains("no data directory"), unknown.rpoBasis());
    RestorePlan noTime = rpo.apply(plan(null), null,
        NewestData.commit(Instant.parse("2026-11-30T09:10:00Z")));
    assertNull(noTime.backupTime());
    assertNull(noTime.dataLossSeconds());
    assertTrue(noTime.rpoBasis().contains("not known"), noTime.rpoBasis());
  }

  @Test
  void pgControlDataAndEpochOutputsAreRead() {
    String out = """
        pg_control version number:            1300
        Latest checkpoint location:           0/3000060
        Time of latest checkpoint:            Mon Nov  2 09:05:30 2026
        """;
    assertEquals(Instant.parse("2026-11-02T09:05:30Z"), OwnCluster.checkpointTime(out));
    assertNull(OwnCluster.checkpointTime("pg_control version number: 1300\n"));
    assertEquals(Instant.parse("2026-11-30T09:12:14.123456Z"),
        OwnCluster.epochInstant("1796029934.123456"));
  }
}
