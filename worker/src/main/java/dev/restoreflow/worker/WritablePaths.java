package dev.restoreflow.worker;

import dev.restoreflow.worker.config.ConfigException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before a service starts, that it can write where the config sends it (the ledger, the
 * log directory): a path it cannot create or write is a config error naming the key, not a stack
 * trace from the first write.
 */
final class WritablePaths {

  private WritablePaths() {}

  /** {@code dir}, created if missing; it must be writable by this process. */
  static Path directory(String key, Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (AccessDeniedException e) {
      throw new ConfigException(key, "cannot create " + dir + ": permission denied on "
          + e.getFile() + " for user " + user() + "; " + advice(key));
    } catch (IOException e) {
      throw new ConfigException(key, "cannot create " + dir + ": " + e + "; " + advice(key));
    }
    if (!Files.isWritable(dir)) {
      throw new ConfigException(key, dir + " is not writable by user " + user() + "; "
          + advice(key));
    }
    return dir;
  }

  /**
   * {@code file}'s directory as {@link #directory}; the file, if it exists, must be readable and
   * writable too. (The ledger's directory must stay writable: SQLite keeps its WAL files beside it.)
   */
  static Path file(String key, Path file) {
    directory(key, file.toAbsolutePath().getParent());
    if (Files.exists(file) && !(Files.isReadable(file) && Files.isWritable(file))) {
      throw new ConfigException(key, file + " is not readable and writable by user " + user()
          + "; " + advice(key));
    }
    return file;
  }

  private static String advice(String key) {
    return "make it belong to that user (the systemd unit's StateDirectory=/LogsDirectory= do),"
        + " or point " + key + " at a path it can write";
  }

  private static String user() {
    return System.getProperty("user.name");
  }
}
