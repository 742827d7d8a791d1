package dev.restoreflow.worker.nats;

import java.util.List;

/** One request of seed 002's protocol (plus {@code status}), as {@link NatsRequestParser} read it. */
public sealed interface NatsRequest {

  /** {@code <prefix>.listbackups}: any body. */
  record ListBackups() implements NatsRequest {}

  /** {@code <prefix>.makebackup}: the tables to dump, as MySQL names them ({@code orders}). */
  record MakeBackup(List<String> tables) implements NatsRequest {
    public MakeBackup {
      tables = List.copyOf(tables);
    }
  }

  /** {@code <prefix>.archive}: the files one archive holds. */
  record Archive(String archiveName) implements NatsRequest {}

  /** {@code <prefix>.restore}: tables as the archive names them ({@code orders.sql}). */
  record Restore(String archiveName, List<String> tables) implements NatsRequest {
    public Restore {
      tables = List.copyOf(tables);
    }
  }

  /** {@code <prefix>.status} (not in the seed): a job's state. */
  record Status(String jobId) implements NatsRequest {}

  /**
   * A malformed request: it gets the bad reply and starts nothing.
   *
   * @param reason why, for the reply's {@code error}; never holds the client's raw bytes
   * @param shownName the archive name as the {@code archive} subject's bad reply shows it
   *     (characters outside the safe set replaced), "" when there is none
   */
  record Invalid(String reason, String shownName) implements NatsRequest {
    public static Invalid because(String reason) {
      return new Invalid(reason, "");
    }
  }
}
