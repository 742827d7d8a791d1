package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.archive.ConfinedDirectory;
import dev.restoreflow.activities.archive.CorruptObjectException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Map;

/**
 * FetchS3 writes {@code global/pg_control} last: the tarball's copy is extracted as a partial
 * file, and renamed into place only when everything else is written, durable and verified. A
 * data directory whose fetch did not finish has no pg_control, and PostgreSQL refuses to start
 * on it ({@code could not open file "global/pg_control"}), whoever starts it.
 */
final class PgControlLast {

  static final String PATH = "global/pg_control";
  static final String HELD = "global/pg_control.restoreflow-partial";

  private PgControlLast() {}

  /** For the extractor and the manifest check: where the tarball's pg_control goes first. */
  static Map<String, String> writtenAs() {
    return Map.of(PATH, HELD);
  }

  /** Puts pg_control in place, durably; a retry after it was done finds it there. */
  static void publish(ConfinedDirectory data) throws IOException {
    try {
      data.renameFile(data.resolve(HELD), data.resolve(PATH));
    } catch (NoSuchFileException e) {
      throw new CorruptObjectException("the backup has no " + PATH
          + ": it is not a whole PostgreSQL base backup");
    }
  }
}
