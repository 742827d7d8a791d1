package dev.restoreflow.activities.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.workflows.FailureType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgBackRestFailuresTest {

  @Test
  void onlyALockConflictASignalAndUnknownCodesAreTriedAgain() {
    Map<Integer, FailureType> expected = Map.ofEntries(Map.entry(38, FailureType.RESTORE_REFUSED),
        Map.entry(50, FailureType.COMMAND_FAILED), Map.entry(55, FailureType.BACKUP_NOT_VALID),
        Map.entry(56, FailureType.CONFIG_ERROR), Map.entry(62, FailureType.TOOL_STOPPED),
        Map.entry(63, FailureType.COMMAND_FAILED), Map.entry(75, FailureType.BACKUP_NOT_VALID),
        Map.entry(82, FailureType.WAL_ARCHIVING_BROKEN),
        Map.entry(87, FailureType.WAL_ARCHIVING_BROKEN), Map.entry(103, FailureType.CONFIG_ERROR),
        Map.entry(125, FailureType.COMMAND_FAILED));
    expected.forEach((code, type) -> assertEquals(type, PgBackRestFailures.typeOf(code), "exit " + code));
    assertFalse(PgBackRestFailures.typeOf(50).isPermanent());
    for (int permanent : new int[] {38, 55, 56, 62, 75, 82, 87, 103}) {
      assertTrue(PgBackRestFailures.typeOf(permanent).isPermanent(), "exit " + permanent);
    }
  }

  @Test
  void theErrorLineIsQuoted() {
    assertEquals("ERROR: [038]: unable to restore while PostgreSQL is running",
        PgBackRestFailures.lastError("WARN: x\nERROR: [038]: unable to restore while PostgreSQL"
            + " is running\n       HINT: presence of 'postmaster.pid'\n"));
    assertEquals("something else", PgBackRestFailures.lastError("a\nsomething else\n"));
  }
}
