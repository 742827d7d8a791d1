package dev.restoreflow.activities.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import dev.restoreflow.activities.exec.Redactor;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestoreProgressTest {

  @Test
  void theHeartbeatCarriesBytesAgainstTheBackupsSizeAsTemporalSerializesIt() {
    RestoreProgress progress = new RestoreProgress(2, 1000, new LocalCommandRunner(Redactor.NONE),
        PgBackRestCommandsTest.MAIN);
    progress.onLine(OutputListener.Stream.STDOUT, "INFO: restore command begin 2.45");
    var payload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(progress.snapshot());
    assertTrue(payload.isPresent(), "heartbeat details Temporal can carry");
    @SuppressWarnings("unchecked")
    Map<String, Object> details = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
        payload.get(), Map.class, Map.class);
    assertEquals(2, details.get("attempt"));
    assertEquals(1000, details.get("backupBytes"));
    assertEquals("INFO: restore command begin 2.45", details.get("lastLine"));
  }

  @Test
  void duTotalsAreReadEvenWhenFilesVanishedMeanwhile() {
    assertEquals(23714056L, RestoreProgress.firstNumber("du: cannot access 'x': No such file\n"
        + "23714056\t/var/lib/postgresql/15/main\n", 0));
    assertEquals(7L, RestoreProgress.firstNumber("", 7));
  }
}
