package dev.restoreflow.activities.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** FetchS3's detail lines, as a person reads them in the CLI, the ledger and the Web UI. */
class FetchDetailTest {

  private static final BackupMeta META = new BackupMeta("20261129T111029Z", "main1", "zstd", 0, 1,
      "0/2000028", "0/2000100", 1, "pg_basebackup (PostgreSQL) 15.8",
      List.of(new BackupObject("base.tar.zst", 73_505_177, 1_712_345_678, List.of())), null);

  @Test
  void aFullRestoreSaysItsSizesForPeople() {
    BaseBackupFetcher.Fetched fetched = new BaseBackupFetcher.Fetched(73_505_177 + 16_777_216,
        975, 1_712_345_678, 1, FetchCheckpoint.start(), Map.of());
    assertEquals("restored basebackup 20261129T111029Z: 975 files, 1.6 GiB written; 1 WAL files;"
        + " downloaded 86.1 MiB (86.1 MiB by this attempt); 975 files verified against"
        + " backup_manifest; fetched in 12.3 s, verified in 0.4 s",
        BaseBackupActivitiesImpl.describe(META, fetched, FetchCheckpoint.start(), 1,
            "975 files verified against backup_manifest", 12_300, 400));
  }

  @Test
  void aResumedOneSaysWhatThisAttemptDownloadedAndWhereItResumed() {
    FetchCheckpoint from = new FetchCheckpoint(0, 3, null, 0, 0, 0, 50L << 20);
    BaseBackupFetcher.Fetched fetched = new BaseBackupFetcher.Fetched(80L << 20, 500,
        900L << 20, 0, from, Map.of());
    assertEquals("restored basebackup 20261129T111029Z: 500 files, 900.0 MiB written; 0 WAL"
        + " files; downloaded 80.0 MiB (30.0 MiB by this attempt, attempt 2, resumed at object 0"
        + " chunk 3); no manifest, not verified; fetched in 1.0 s, verified in 0.0 s",
        BaseBackupActivitiesImpl.describe(META, fetched, from, 2, "no manifest, not verified",
            1000, 0));
  }

  @Test
  void theBarOfAFullRestoreIsTheObjectsAsStored() {
    assertEquals(73_505_177, BaseBackupActivitiesImpl.storedBytes(META));
  }

  @Test
  void aDeltaSaysItsSizesForPeople() {
    DeltaFetcher.Outcome delta = new DeltaFetcher.Outcome(940, 1_600_000_000L, 30, 1200,
        9_830_400, 5, 2, 8192, 3, 103, 2, Map.of(), 5000, 9000, Set.of(), 0);
    assertEquals("delta restore of basebackup 20261129T111029Z: 940 files kept (1.5 GiB), 30"
        + " changed and 5 created (1200 blocks, 9.4 MiB written), 2 entries removed (8.0 KiB);"
        + " downloaded 48.0 MiB, 3 of 103 chunks; 2 WAL files; 975 files verified; compared in"
        + " 5.0 s, fetched in 4.0 s, verified in 1.0 s",
        DeltaRestores.describe(META, delta, 48L << 20, 1, "975 files verified", 9000, 1000));
  }

  @Test
  void aDeltaSaysWhatItKeptWithoutReading() {
    DeltaFetcher.Outcome delta = new DeltaFetcher.Outcome(940, 1_600_000_000L, 30, 1200,
        9_830_400, 5, 2, 8192, 3, 103, 2, Map.of(), 5000, 9000, Set.of("base/1/1", "base/1/2"),
        1_073_741_824L);
    String detail = DeltaRestores.describe(META, delta, 48L << 20, 1, "975 files verified", 9000,
        1000);
    assertTrue(detail.contains("940 files kept (1.5 GiB; 2 of them, 1.0 GiB, not read: unchanged"
        + " since they held this backup)"), detail);
  }
}
