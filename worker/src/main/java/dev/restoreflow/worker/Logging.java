package dev.restoreflow.worker;

import java.nio.file.Files;
import java.nio.file.Path;

/** Points Logback at the log directory before the first logger exists. */
final class Logging {

  private Logging() {}

  /** @param consoleLevel what reaches the terminal: INFO for services, WARN for the CLI */
  static void init(Path logDir, String consoleLevel) {
    init(logDir, consoleLevel, "restoreflow");
  }

  /**
   * @param logName the log file's name without {@code .log}: each service has its own, since the
   *     server and a worker on one machine share the log directory (and run as different users)
   */
  static void init(Path logDir, String consoleLevel, String logName) {
    try {
      Files.createDirectories(logDir);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the log directory " + logDir + ": "
          + e.getMessage(), e);
    }
    System.setProperty("restoreflow.logDir", logDir.toAbsolutePath().toString());
    System.setProperty("restoreflow.consoleLevel", consoleLevel);
    System.setProperty("restoreflow.logName", logName);
  }

  /**
   * Logs to stderr only, no log files: for commands PostgreSQL runs (wal-push runs in the data
   * directory, as the cluster's user, where a Logs directory must not appear).
   */
  static void consoleOnly(String consoleLevel) {
    System.setProperty("logback.configurationFile", "logback-console.xml");
    System.setProperty("restoreflow.consoleLevel", consoleLevel);
  }
}
