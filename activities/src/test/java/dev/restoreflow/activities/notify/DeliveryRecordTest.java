package dev.restoreflow.activities.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryRecordTest {

  @TempDir
  Path dir;

  @Test
  void aRecordedAnswerIsFoundPerNoticeAndWebhookAfterReopening() {
    Path file = dir.resolve("state/ledger-notices.db");
    DeliveryRecord record = new DeliveryRecord(file);
    assertEquals(Optional.empty(), record.answer("j1:FAILED", "oncall"));
    record.record("j1:FAILED", "oncall", Answer.DELIVERED, 200);
    record.record("j1:FAILED", "broken", Answer.REFUSED, 400);
    DeliveryRecord reopened = new DeliveryRecord(file);
    assertEquals(Optional.of(Answer.DELIVERED), reopened.answer("j1:FAILED", "oncall"));
    assertEquals(Optional.of(Answer.REFUSED), reopened.answer("j1:FAILED", "broken"));
    assertEquals(Optional.empty(), reopened.answer("j1:FAILED", "audit"));
    assertEquals(Optional.empty(), reopened.answer("j2:FAILED", "oncall"));
  }

  @Test
  void theFirstAnswerStays() {
    DeliveryRecord record = new DeliveryRecord(dir.resolve("d.db"));
    record.record("j1:FAILED", "oncall", Answer.DELIVERED, 200);
    record.record("j1:FAILED", "oncall", Answer.REFUSED, 400);
    assertEquals(Optional.of(Answer.DELIVERED), record.answer("j1:FAILED", "oncall"));
  }

  @Test
  void aRetryIsNotAnAnswerToRecord() {
    DeliveryRecord record = new DeliveryRecord(dir.resolve("d.db"));
    assertThrows(IllegalArgumentException.class,
        () -> record.record("j1:FAILED", "oncall", Answer.RETRY, 503));
  }

  @Test
  void rowsOlderThanAWeekAreDroppedOnOpening() throws Exception {
    Path file = dir.resolve("d.db");
    new DeliveryRecord(file).record("new", "oncall", Answer.DELIVERED, 200);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO notice_deliveries VALUES ('old', 'oncall', 'DELIVERED', 200, "
          + (System.currentTimeMillis() - DeliveryRecord.KEEP.toMillis() - 60_000) + ")");
    }
    DeliveryRecord reopened = new DeliveryRecord(file);
    assertEquals(Optional.empty(), reopened.answer("old", "oncall"));
    assertEquals(Optional.of(Answer.DELIVERED), reopened.answer("new", "oncall"));
  }

  @Test
  void anUnwritablePlaceIsAClearError() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new DeliveryRecord(Path.of("/proc/restoreflow/d.db")));
    assertEquals(true, e.getMessage().startsWith("cannot open the notices' delivery record"),
        e.getMessage());
  }
}
