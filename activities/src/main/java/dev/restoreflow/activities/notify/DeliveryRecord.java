package dev.restoreflow.activities.notify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * Which webhook has taken (or refused) which notice, in a SQLite file of its own beside the
 * ledger: a retry of the Notify activity skips the webhooks that already answered, so each gets
 * one copy. Rows hold the notice id, the webhook's name and the answer: no URL, no token. Rows
 * older than {@link #KEEP} are dropped (a notice is given up after a day).
 */
public final class DeliveryRecord {

  static final Duration KEEP = Duration.ofDays(7);

  private final Path file;

  /** Creates the file and its table; @throws IllegalStateException when it cannot. */
  public DeliveryRecord(Path file) {
    this.file = file.toAbsolutePath();
    try {
      Path parent = this.file.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Connection c = open(); Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("""
            CREATE TABLE IF NOT EXISTS notice_deliveries (
              notice_id TEXT NOT NULL, webhook TEXT NOT NULL, answer TEXT NOT NULL,
              http_status INTEGER, at INTEGER NOT NULL,
              PRIMARY KEY (notice_id, webhook))""");
        s.execute("DELETE FROM notice_deliveries WHERE at < "
            + (System.currentTimeMillis() - KEEP.toMillis()));
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot open the notices' delivery record " + this.file
          + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /**
   * The webhook's final answer to the notice (DELIVERED or REFUSED), if it gave one.
   */
  public Optional<Answer> answer(String noticeId, String webhook) {
    try (Connection c = open(); PreparedStatement ps = c.prepareStatement(
        "SELECT answer FROM notice_deliveries WHERE notice_id = ? AND webhook = ?")) {
      ps.setString(1, noticeId);
      ps.setString(2, webhook);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(Answer.valueOf(rs.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading the notices' delivery record failed: "
          + e.getMessage(), e);
    }
  }

  /** Records a final answer; a second record of the same pair keeps the first. */
  public void record(String noticeId, String webhook, Answer answer, int httpStatus) {
    if (answer == Answer.RETRY) {
      throw new IllegalArgumentException("only final answers are recorded");
    }
    try (Connection c = open(); PreparedStatement ps = c.prepareStatement("""
        INSERT INTO notice_deliveries (notice_id, webhook, answer, http_status, at)
        VALUES (?, ?, ?, ?, ?) ON CONFLICT (notice_id, webhook) DO NOTHING""")) {
      ps.setString(1, noticeId);
      ps.setString(2, webhook);
      ps.setString(3, answer.name());
      ps.setInt(4, httpStatus);
      ps.setLong(5, System.currentTimeMillis());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("writing the notices' delivery record failed: "
          + e.getMessage(), e);
    }
  }

  private Connection open() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=5000");
    }
    return c;
  }
}
