package dev.restoreflow.worker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The bytes read from the detail lines the engines' steps write (their exact formats). */
class StepBytesTest {

  @Test
  void takeBackupDetailsOfEveryEngineGiveTheFirstByteCount() {
    assertEquals(OptionalLong.of(23_570_140), StepBytes.backedUp(
        "FULL backup TP9FW5: 23570140 bytes of data, status OK"));
    assertEquals(OptionalLong.of(40_347_356), StepBytes.backedUp("basebackup 20261129T111029Z:"
        + " 40347356 bytes stored (zstd), WAL 0/2000028 .. 0/2000100"));
    assertEquals(OptionalLong.of(1_234_567), StepBytes.backedUp("incr backup"
        + " 20261129-101010F_20261129-111111I: 1,234,567 bytes copied of 25,000,000, 300,000 bytes"
        + " in the repository, WAL 000000010000000000000004 .. 000000010000000000000004"));
    assertEquals(OptionalLong.empty(), StepBytes.backedUp("FULL backup TP9FW5: taken by the"
        + " previous attempt (its worker died after the backup ended)"));
    assertEquals(OptionalLong.empty(), StepBytes.backedUp(null));
  }

  @Test
  void restoreDetailsCountOnlyBytesWritten() {
    assertEquals(OptionalLong.of(5000), StepBytes.written("restored basebackup 20261129T111029Z:"
        + " 12 files, 5000 bytes written; 3 WAL files; downloaded 2000 bytes (2000 by this"
        + " attempt); manifest checked"));
    assertEquals(OptionalLong.of(41_234_567), StepBytes.written("restored backup TP9FW5;"
        + " 10/10 files; 41234567 bytes written (attempt 2)"));
    assertEquals(OptionalLong.empty(), StepBytes.written("restored backup TP9FW5 incrementally;"
        + " 10/10 files"));
    assertEquals(OptionalLong.empty(), StepBytes.written("restored full backup L with --delta"
        + " (to the backup's end); 1,000 bytes in the data directory, backup 2,000 bytes"));
  }

  @Test
  void restoreDetailsForPeopleCountTheirHumanSize() {
    assertEquals(OptionalLong.of(Math.round(1.6 * (1L << 30))), StepBytes.written(
        "restored basebackup 20261129T111029Z: 975 files, 1.6 GiB written; 3 WAL files;"
            + " downloaded 70.1 MiB (70.1 MiB by this attempt); manifest checked"));
    assertEquals(OptionalLong.of(512), StepBytes.written("restored backup TP9FW5; 10/10 files;"
        + " 512 B written (attempt 2)"));
    assertEquals(OptionalLong.of(Math.round(25.7 * (1 << 20))), StepBytes.written(
        "restored full backup L with --delta; 2 files rewritten (25.7 MiB written), 1 files kept"
            + " as they were (1.0 MiB); backup 30.0 MiB, 30.2 MiB in the data directory"));
    assertEquals(OptionalLong.empty(), StepBytes.written("restored full backup L with --delta"
        + "; 1.0 MiB in the data directory, backup 2.0 MiB; 4 output lines"));
  }
}
