package dev.restoreflow.activities.exec;

/** A finished command: exit code and its captured output (stdout in full, stderr's tail). */
public record CommandResult(int exitCode, String stdout, String stderrTail, long elapsedMillis) {

  public boolean succeeded() {
    return exitCode == 0;
  }
}
