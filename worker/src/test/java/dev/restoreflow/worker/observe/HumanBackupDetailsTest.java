package dev.restoreflow.worker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.restoreflow.activities.BackupSizeWords;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * TakeBackup's details say sizes for people now ({@code 1.6 GiB}), and the backup-bytes metric
 * still reads the exact figure they carry beside it, not the rounded one.
 */
class HumanBackupDetailsTest {

  private static final long BYTES = 1_717_986_919L;   // 1.6 GiB, not a round number of bytes

  @Test
  void theMetricReadsTheExactBytesBesideTheHumanSize() {
    assertEquals(OptionalLong.of(BYTES), StepBytes.backedUp("FULL backup TP9FW5: "
        + BackupSizeWords.of(BYTES) + " of data, status OK"));
    assertEquals(OptionalLong.of(BYTES), StepBytes.backedUp("full backup 20261130-150000F: "
        + BackupSizeWords.of(BYTES) + " copied of 1.7 GiB, 201.3 MiB in the repository, WAL"
        + " 000000010000000000000004 .. 000000010000000000000004"));
    assertEquals(OptionalLong.of(BYTES), StepBytes.backedUp("full dump 20261130T150000Z of db1: "
        + BackupSizeWords.of(BYTES) + ", 3 of 3 tables' data, 1000 rows in all; asked for"));
    assertEquals(OptionalLong.of(BYTES), StepBytes.backedUp("basebackup 20261130T150000Z: "
        + BackupSizeWords.of(BYTES) + " stored (zstd), WAL 0/2000028 .. 0/2000100"));
    assertEquals(OptionalLong.of(512), StepBytes.backedUp("archive /a/x.7z: "
        + BackupSizeWords.of(512) + ", tables t (1 rows)"));
  }
}
